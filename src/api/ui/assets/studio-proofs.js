// Studio proofs: zoom the 150 dpi page images. "↔" fits them to the card; 50/100/200 % of their
// pixels (100 % = 150 dpi, an A4 page 1240 px wide), the card scrolling. Served as /assets/studio-proofs.js.
(() => {
  const list = document.getElementById('proof-pages-list');
  if (!list) return;
  for (const button of document.querySelectorAll('[data-zoom]')) {
    button.addEventListener('click', () => {
      const zoom = button.getAttribute('data-zoom');
      for (const img of list.querySelectorAll('img')) {
        img.style.maxWidth = zoom === 'fit' ? '100%' : 'none';
        img.style.width = zoom === 'fit' ? '' : `${(img.naturalWidth * Number(zoom)) / 100}px`;
      }
      list.dataset.zoom = zoom;
      for (const other of document.querySelectorAll('[data-zoom]'))
        other.setAttribute('aria-pressed', String(other === button));
    });
  }
})();
