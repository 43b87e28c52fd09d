import './csp-safe-zod.ts';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { connectStores, startBrowserLoops } from './bootstrap.ts';
import { createClient } from './transport/client.ts';
import { selectTransport } from './transport/select-transport.ts';
import { useAppStore } from './stores/app.ts';
import './styles/base.css';

const pinia = createPinia();
const app = createApp(App).use(pinia);

const choice = selectTransport(window);
if (choice.ok) connectStores(pinia, createClient(choice.transport));
else useAppStore(pinia).fatalError = choice.reason;
startBrowserLoops(pinia);

app.mount('#app');
