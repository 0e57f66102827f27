// Browser helpers for the Vigil web client, loaded as a module (the page has no inline script: see the CSP).
let lastActivity = Date.now();
let tracking = false;

export function startActivityTracking() {
  if (tracking) return;
  tracking = true;
  const touch = () => { lastActivity = Date.now(); };
  for (const name of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
    document.addEventListener(name, touch, { passive: true, capture: true });
  }
}

export function millisecondsSinceActivity() { return Date.now() - lastActivity; }

export function markActivity() { lastActivity = Date.now(); }

export function load(key) { return window.sessionStorage.getItem(key); }

export function save(key, value) { window.sessionStorage.setItem(key, value); }

export function remove(key) { window.sessionStorage.removeItem(key); }

export function scrollToBottom(element) { if (element) element.scrollTop = element.scrollHeight; }

export function isNearBottom(element) {
  return !element || element.scrollHeight - element.scrollTop - element.clientHeight < 80;
}

export function distanceFromBottom(element) { return element ? element.scrollHeight - element.scrollTop : 0; }

export function keepDistanceFromBottom(element, distance) {
  if (element) element.scrollTop = element.scrollHeight - distance;
}

// Calls LoadOlder on the component when the sentinel at the top of the history scrolls into view.
export function observeTop(sentinel, component) {
  if (!sentinel) return null;
  const observer = new IntersectionObserver(entries => {
    if (entries.some(e => e.isIntersecting)) component.invokeMethodAsync('LoadOlder');
  }, { root: sentinel.parentElement, rootMargin: '200px 0px 0px 0px' });
  observer.observe(sentinel);
  return { dispose: () => observer.disconnect() };
}

export function disconnect(observer) { if (observer) observer.dispose(); }

export async function download(fileName, contentType, streamReference) {
  const buffer = await streamReference.arrayBuffer();
  const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function focus(element) { if (element) element.focus(); }

export function isVisible() { return document.visibilityState === 'visible'; }
