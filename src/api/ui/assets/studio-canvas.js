// The canvas view (issue 21). Without JavaScript the forms still work: the fields are a list to copy and
// the chips are drawn from the saved text.

// Variable chips and "insert field": a data-contract field button inserts {{field}} at the cursor of
// the text in the locale chosen in #insert-locale, in the form last focused (or the first one); focusing
// a text chooses its locale. The chips under each text follow what is typed.
(function variableChips() {
  const chooser = document.querySelector('#insert-locale');
  let lastForm;
  let last;

  function drawChips(area) {
    let chips = area.parentElement.querySelector('.chips');
    if (!chips) {
      chips = document.createElement('span');
      chips.className = 'chips';
      chips.setAttribute('aria-hidden', 'true');
      area.insertAdjacentElement('afterend', chips);
    }
    chips.replaceChildren();
    for (const part of area.value.split(/(\{\{[^}]*\}\})/)) {
      if (!part) continue;
      if (part.startsWith('{{')) {
        const chip = document.createElement('span');
        chip.className = 'chip';
        chip.textContent = part.slice(2, -2).trim();
        chips.append(chip);
      } else chips.append(part);
    }
  }

  function target() {
    const locale = chooser?.value;
    const form = lastForm ?? document.querySelector('#block-form form:has(textarea)');
    if (!form) return undefined;
    if (last?.form === form && (!locale || last.lang === locale)) return last;
    return form.querySelector(`textarea[lang="${locale}"]`) ?? form.querySelector('textarea');
  }

  const areas = document.querySelectorAll('#block-form textarea');
  for (const area of areas) area.addEventListener('input', () => drawChips(area));
  document.addEventListener('focusin', (event) => {
    if (!(event.target instanceof HTMLTextAreaElement)) return;
    last = event.target;
    lastForm = last.form;
    if (chooser && last.lang) chooser.value = last.lang;
  });
  for (const button of document.querySelectorAll('button[data-insert]')) {
    button.addEventListener('click', () => {
      const area = target();
      if (!area) return;
      const text = button.dataset.insert;
      const at = area.selectionStart ?? area.value.length;
      area.value = area.value.slice(0, at) + text + area.value.slice(area.selectionEnd ?? at);
      area.focus();
      area.selectionStart = area.selectionEnd = at + text.length;
      drawChips(area);
    });
  }
})();
