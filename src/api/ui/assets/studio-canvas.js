// The canvas view (issue 21): a data-contract field button inserts {{field}} into the text area last
// focused (or the first one of the form), at the cursor. Without JavaScript the fields are a list to copy.
let last;
document.addEventListener('focusin', (event) => {
  if (event.target instanceof HTMLTextAreaElement) last = event.target;
});
for (const button of document.querySelectorAll('button[data-insert]')) {
  button.addEventListener('click', () => {
    const area = last ?? document.querySelector('#block-form textarea');
    if (!area) return;
    const text = button.dataset.insert;
    const at = area.selectionStart ?? area.value.length;
    area.value = area.value.slice(0, at) + text + area.value.slice(area.selectionEnd ?? at);
    area.focus();
    area.selectionStart = area.selectionEnd = at + text.length;
  });
}
