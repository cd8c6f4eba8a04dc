import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { selectBridge } from './bridge';
import { createAppStores } from './stores';
import { routeFromHash } from './stores/ui-store';
import './styles.css';

const bridge = selectBridge();
const stores = createAppStores(bridge.api, routeFromHash(window.location.hash));
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App stores={stores} onConnection={bridge.onStatus} />
  </StrictMode>,
);
