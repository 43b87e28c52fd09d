// Lint config. Besides style, it enforces the layering of ARCHITECTURE.md (shared < repository <
// engines < worker < core < azure < app, with cli and electron on top): a folder imports only the
// layers below it, only src-main/electron imports electron, and the renderer imports nothing from
// src-main but the shared IPC contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

const electronBan = { name: 'electron', message: 'Only src-main/electron/ may import electron (core stays plain Node).' };
const SRC_MAIN_FOLDERS = ['shared', 'repository', 'engines', 'worker', 'core', 'azure', 'app', 'cli', 'electron'];

/** The import rule of one src-main folder: Electron and every src-main folder not in `allowed` are banned. */
function layer(folder, allowed, message, extraPaths = []) {
  const banned = SRC_MAIN_FOLDERS.filter((other) => other !== folder && !allowed.includes(other));
  return [
    {
      files: [`src-main/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: [electronBan, ...extraPaths],
            patterns: [{ regex: `^(\\.\\./)+(${banned.join('|')})/`, message }],
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'coverage/', 'test/**/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-main/**/*.mjs'],
    ignores: ['src-main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan] }] },
  },
  // The layers of src-main, lowest first. Each folder may import only the folders its entry names;
  // src-main/app (the composition root) and the entry points above it (cli, electron) may import all.
  ...layer('shared', [], 'The shared contract and models stand alone: the console imports them.'),
  ...layer('repository', ['shared'], 'The repository engine imports neither Electron, SQLite, the core nor the engines.', [
    { name: 'better-sqlite3', message: 'The repository engine must not know about the config DB.' },
  ]),
  ...layer('engines', ['shared', 'repository'], 'Engines import neither the worker nor the core.'),
  ...layer('worker', ['shared', 'repository', 'engines'], 'The worker agent does not import the core: it runs on machines without it.'),
  ...layer('core', ['shared', 'repository', 'engines', 'worker'], 'The core imports neither Azure, the CLI, Electron nor the composition root.'),
  ...layer('azure', ['shared', 'repository', 'engines', 'worker', 'core'], 'Azure code does not import the CLI, Electron or the composition root.'),
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            {
              regex: 'src-main/(?!shared/)',
              message: 'The renderer may import only the shared contract (src-main/shared) from src-main.',
            },
            { group: ['node:*'], message: 'The renderer runs in a sandboxed browser context.' },
          ],
        },
      ],
    },
  },
);
