// Lint config. Besides style, it enforces the layering of ARCHITECTURE.md:
// the core never imports electron, the repository engine imports neither electron nor SQLite,
// and the renderer imports nothing from src-main but the shared IPC contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

const electronBan = { name: 'electron', message: 'Only src-main/electron/ may import electron (core stays plain Node).' };

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
  {
    files: ['src-main/repository/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, { name: 'better-sqlite3', message: 'The repository engine must not know about the config DB.' }],
          patterns: [{ group: ['**/config-db/**', '**/electron/**'], message: 'The repository engine imports neither Electron nor SQLite code.' }],
        },
      ],
    },
  },
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
