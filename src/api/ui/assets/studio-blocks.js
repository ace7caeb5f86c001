// The canvas's block form (issue 21): drag a block's box onto another to move it before (upper half) or
// after (lower half) it, and Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) for Undo / Redo outside text boxes.
// Without JavaScript the Move up / Move down and Undo / Redo buttons do the same.
(function dragBlocks() {
  const form = document.querySelector('#move-drop');
  if (!form) return;
  const field = (name) => form.elements.namedItem(name);
  const indexOf = (el) => Number(/^body\[(\d+)\]$/.exec(el?.dataset?.path ?? '')?.[1] ?? Number.NaN);
  let drag;
  let suppressClick = false;

  function clear() {
    for (const el of document.querySelectorAll('.drop-before, .drop-after'))
      el.classList.remove('drop-before', 'drop-after');
  }

  function dropAt(event) {
    clear();
    const hit = document.elementFromPoint(event.clientX, event.clientY)?.closest('.block-box');
    if (!hit || hit.dataset.path === drag.box.dataset.path || !Number.isInteger(indexOf(hit)))
      return undefined;
    const r = hit.getBoundingClientRect();
    const place = event.clientY < r.top + r.height / 2 ? 'before' : 'after';
    hit.classList.add(`drop-${place}`);
    return { target: indexOf(hit), place };
  }

  document.addEventListener('dragstart', (event) => {
    if (event.target instanceof Element && event.target.closest('.block-box')) event.preventDefault();
  });
  document.addEventListener('pointerdown', (event) => {
    const box = event.target instanceof Element ? event.target.closest('.block-box') : null;
    if (!box || event.button !== 0 || !Number.isInteger(indexOf(box))) return;
    drag = { box, from: indexOf(box), x: event.clientX, y: event.clientY, moved: false };
  });
  document.addEventListener('pointermove', (event) => {
    if (!drag) return;
    if (!drag.moved && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < 6) return;
    drag.moved = true;
    drag.box.classList.add('dragging');
    // Near the window's top or bottom edge the page scrolls, so a block can go to another page.
    const edge = 60;
    if (event.clientY < edge) window.scrollBy(0, -20);
    else if (event.clientY > window.innerHeight - edge) window.scrollBy(0, 20);
    dropAt(event);
  });
  document.addEventListener('pointerup', (event) => {
    if (!drag) return;
    const drop = drag.moved ? dropAt(event) : undefined;
    clear();
    drag.box.classList.remove('dragging');
    suppressClick = drag.moved;
    const from = drag.from;
    drag = undefined;
    if (!drop) return;
    field('from').value = String(from);
    field('target').value = String(drop.target);
    field('place').value = drop.place;
    form.submit();
  });
  // A drag ends with a click on the box it started on: that is not a choice of the block.
  document.addEventListener(
    'click',
    (event) => {
      if (!suppressClick) return;
      suppressClick = false;
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );
})();

(function historyKeys() {
  document.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    const key = event.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    const t = event.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement)
      return;
    if (t instanceof HTMLElement && t.isContentEditable) return;
    const button = document.querySelector(key === 'y' || event.shiftKey ? '#redo-button' : '#undo-button');
    if (!button || button.disabled) return;
    event.preventDefault();
    button.form.requestSubmit(button);
  });
})();
