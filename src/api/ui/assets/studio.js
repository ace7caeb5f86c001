// The studio's draft editor: switch files, save as you type (debounced), then refresh the live
// preview (lint issues, SMS text and segments, e-mail frame, PDF page images). Same-origin only;
// the page's CSP allows no inline script, so everything is wired here.
// The offer editor: the offer's JSON is checked as you type (issues, who qualifies in the store).
(() => {
  const root = document.getElementById('offer-editor');
  if (!root) return;
  const area = document.getElementById('offer-json');
  const issues = document.getElementById('offer-issues');
  const count = document.getElementById('qualifies-count');
  const sample = document.getElementById('qualifies-sample');
  let timer;
  let generation = 0;
  const item = (cls, text) => {
    const li = document.createElement('li');
    li.className = cls;
    li.textContent = text;
    return li;
  };
  async function check() {
    const mine = ++generation;
    issues.replaceChildren();
    let offer;
    try {
      offer = JSON.parse(area.value);
    } catch (err) {
      issues.append(item('error', `JSON: ${err.message}`));
      count.textContent = '';
      sample.replaceChildren();
      root.dataset.checkGeneration = String(mine);
      return;
    }
    const res = await fetch('/api/studio/offers/check', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': root.dataset.csrf },
      body: JSON.stringify({ offer }),
    });
    const json = await res.json();
    if (mine !== generation) return;
    if (!res.ok) issues.append(item('error', json.error ? json.error.message : res.statusText));
    for (const issue of json.issues || []) {
      issues.append(item('error', `${issue.path || '(root)'}: ${issue.message} [${issue.code}]`));
    }
    if ((json.issues || []).length === 0 && res.ok) issues.append(item('ok', '✓'));
    sample.replaceChildren();
    if (json.qualifies) {
      const q = json.qualifies;
      count.textContent = `${q.count} / ${q.scanned}${q.total > q.scanned ? ` (of ${q.total})` : ''}`;
      for (const id of q.sample) sample.append(item('', id));
    } else {
      count.textContent = '';
    }
    root.dataset.checkGeneration = String(mine);
  }
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      load(); // the JSON is the source of truth: the builder follows it
      check();
    }, 400);
  });
  document.getElementById('check-offer').addEventListener('click', check);

  // Rule builder: an "and" of comparisons of a trait with a value, read from and written to the
  // offer's `eligibility`. Anything richer stays in the JSON (the builder says so and stays empty).
  const variables = JSON.parse(root.dataset.variables || '{}');
  const OPS = ['==', '!=', '>', '>=', '<', '<=', 'in'];
  const builder = document.getElementById('rule-builder');
  const note = document.getElementById('builder-note');
  const parseClause = (c) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) return null;
    const keys = Object.keys(c);
    if (keys.length !== 1 || !OPS.includes(keys[0])) return null;
    const args = c[keys[0]];
    if (!Array.isArray(args) || args.length !== 2 || !args[0] || typeof args[0].var !== 'string') return null;
    return { variable: args[0].var, op: keys[0], value: args[1] };
  };
  const option = (value, selected) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = value;
    o.selected = value === selected;
    return o;
  };
  function addRow(clause) {
    const row = document.createElement('div');
    row.className = 'builder-row';
    const variable = document.createElement('select');
    variable.name = 'variable';
    for (const name of Object.keys(variables)) variable.append(option(name, clause.variable));
    const op = document.createElement('select');
    op.name = 'op';
    for (const o of OPS) op.append(option(o, clause.op));
    const value = document.createElement('input');
    value.name = 'value';
    value.value = clause.value === undefined ? '' : JSON.stringify(clause.value).replace(/^"(.*)"$/, '$1');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '×';
    remove.addEventListener('click', () => row.remove());
    row.append(variable, op, value, remove);
    builder.append(row);
  }
  function typed(variable, text, op) {
    if (op === 'in') {
      try {
        return JSON.parse(text);
      } catch {
        return text.split(',').map((v) => v.trim());
      }
    }
    const type = variables[variable];
    if (type === 'number' || type === 'integer') return Number(text);
    if (type === 'boolean') return text === 'true';
    return text;
  }
  function load() {
    builder.replaceChildren();
    note.hidden = true;
    let offer;
    try {
      offer = JSON.parse(area.value);
    } catch {
      return;
    }
    const rule = offer.eligibility;
    const clauses = rule && Array.isArray(rule.and) ? rule.and : [rule];
    const parsed = clauses.map(parseClause);
    if (parsed.some((c) => c === null)) {
      note.hidden = false;
      return;
    }
    for (const c of parsed) addRow(c);
  }
  document
    .getElementById('builder-add')
    .addEventListener('click', () =>
      addRow({ variable: Object.keys(variables)[0], op: '>=', value: undefined }),
    );
  document.getElementById('builder-apply').addEventListener('click', () => {
    let offer;
    try {
      offer = JSON.parse(area.value);
    } catch {
      return;
    }
    const clauses = [...builder.querySelectorAll('.builder-row')].map((row) => {
      const variable = row.querySelector('[name=variable]').value;
      const op = row.querySelector('[name=op]').value;
      return { [op]: [{ var: variable }, typed(variable, row.querySelector('[name=value]').value, op)] };
    });
    offer.eligibility = clauses.length === 1 ? clauses[0] : { and: clauses };
    area.value = JSON.stringify(offer, null, 2);
    note.hidden = true;
    check();
  });
  load();
  check();
})();

(() => {
  const root = document.getElementById('studio-draft');
  if (!root) return;
  const draftId = root.dataset.draft;
  const csrf = root.dataset.csrf;
  const editable = root.dataset.editable === 'true';
  const state = document.getElementById('save-state');
  const options = document.getElementById('preview-options');
  const pending = new Map();
  let timer;
  let generation = 0;

  // Syntax highlighting: a <pre> behind each transparent textarea, rebuilt from tokens on input.
  // Hand-written (a few regular expressions) because no highlighter may come from a CDN and the
  // files are small: Handlebars {{…}}, strings, YAML keys and comments, JSON keys, MJML tags.
  const TOKENS = {
    yaml: /(\{\{[\s\S]*?\}\})|("(?:[^"\\\n]|\\.)*")|((?:^|[ \t])#[^\n]*)|(^[ \t]*-?[ \t]*[A-Za-z_][\w.-]*(?=:))/gm,
    json: /(\{\{[\s\S]*?\}\})|("(?:[^"\\\n]|\\.)*"(?=\s*:))|("(?:[^"\\\n]|\\.)*")/g,
    markup: /(\{\{[\s\S]*?\}\})|("(?:[^"\\\n]|\\.)*")|(<!--[\s\S]*?-->)|(<\/?[A-Za-z][\w-]*|\/?>)/g,
  };
  const CLASSES = {
    yaml: ['hb', 'str', 'com', 'key'],
    json: ['hb', 'key', 'str'],
    markup: ['hb', 'str', 'com', 'tag'],
  };
  const kindOf = (file) => (/\.ya?ml$/.test(file) ? 'yaml' : /\.json$/.test(file) ? 'json' : 'markup');
  function highlight(pre, text, kind) {
    const re = TOKENS[kind];
    const classes = CLASSES[kind];
    const frag = document.createDocumentFragment();
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0] === '') {
        re.lastIndex += 1;
        continue;
      }
      if (m.index > last) frag.append(text.slice(last, m.index));
      const group = m.findIndex((g, i) => i > 0 && g !== undefined);
      const span = document.createElement('span');
      span.className = `hl-${classes[group - 1]}`;
      span.textContent = m[0];
      frag.append(span);
      last = m.index + m[0].length;
    }
    frag.append(`${text.slice(last)}\n`);
    pre.replaceChildren(frag);
  }
  for (const area of document.querySelectorAll('textarea[data-file]')) {
    const wrap = document.createElement('div');
    wrap.className = 'code-wrap';
    const pre = document.createElement('pre');
    pre.className = 'code-hl';
    pre.setAttribute('aria-hidden', 'true');
    area.before(wrap);
    wrap.append(pre, area);
    area.classList.add('code-input');
    const kind = kindOf(area.dataset.file);
    const paint = () => highlight(pre, area.value, kind);
    area.addEventListener('input', paint);
    area.addEventListener('scroll', () => {
      pre.scrollTop = area.scrollTop;
      pre.scrollLeft = area.scrollLeft;
    });
    paint();
  }

  // Files: one editor shown at a time.
  const tabs = [...document.querySelectorAll('.file-tab')];
  const editors = [...document.querySelectorAll('.file-editor')];
  const show = (file) => {
    for (const tab of tabs) tab.setAttribute('aria-pressed', String(tab.dataset.file === file));
    for (const ed of editors) ed.hidden = ed.dataset.file !== file;
  };
  for (const tab of tabs) tab.addEventListener('click', () => show(tab.dataset.file));
  if (tabs[0]) show(tabs[0].dataset.file);

  const say = (text) => {
    if (state) state.textContent = text;
  };

  async function api(method, url, body) {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? {} : await res.json();
    if (!res.ok) throw new Error(json.error ? `${json.error.code}: ${json.error.message}` : res.statusText);
    return json;
  }

  function query() {
    const form = new FormData(options);
    const q = new URLSearchParams();
    const locale = form.get('locale');
    const customerId = String(form.get('customerId') || '').trim();
    if (locale) q.set('locale', String(locale));
    if (customerId) q.set('customerId', customerId);
    return q;
  }

  function renderIssues(issues) {
    const list = document.getElementById('issues');
    list.replaceChildren();
    if (issues.length === 0) {
      const li = document.createElement('li');
      li.className = 'ok';
      li.textContent = '✓';
      list.append(li);
    }
    for (const issue of issues) {
      const li = document.createElement('li');
      li.className = issue.severity;
      const where = [issue.channel, issue.locale].filter(Boolean).join(' · ');
      li.textContent = `${issue.severity}${where ? ` (${where})` : ''}: ${issue.message}`;
      list.append(li);
    }
  }

  async function refresh() {
    const mine = ++generation;
    const q = query();
    const body = Object.fromEntries(q.entries());
    let preview;
    try {
      preview = await api('POST', `/api/studio/drafts/${draftId}/preview`, body);
    } catch (err) {
      renderIssues([{ severity: 'error', message: String(err.message || err) }]);
      return;
    }
    if (mine !== generation) return;
    renderIssues(preview.issues);
    q.set('v', String(Date.now()));
    const sms = document.getElementById('sms-preview');
    sms.hidden = !preview.sms;
    if (preview.sms) {
      document.getElementById('sms-text').textContent = preview.sms.text;
      document.getElementById('sms-segments').textContent =
        `${preview.sms.segments} (${preview.sms.encoding})`;
    }
    const email = document.getElementById('email-preview');
    email.hidden = !preview.email;
    if (preview.email) {
      document.getElementById('email-subject').textContent = preview.email.subject;
      document.getElementById('email-size').textContent = `${Math.round(preview.email.htmlBytes / 1024)} KB`;
      document.getElementById('email-frame').src = `/ui/studio/drafts/${draftId}/email?${q}`;
    }
    const print = document.getElementById('print-preview');
    print.hidden = !preview.print;
    if (preview.print) {
      document.getElementById('print-pages').textContent = String(preview.print.pages);
      const pages = document.getElementById('pages');
      pages.replaceChildren();
      for (let n = 1; n <= preview.print.pages; n += 1) {
        const img = document.createElement('img');
        img.alt = `page ${n}`;
        img.src = `/ui/studio/drafts/${draftId}/page/${n}?${q}`;
        pages.append(img);
      }
    }
    root.dataset.previewGeneration = String(mine);
  }

  async function save() {
    if (pending.size === 0) return refresh();
    const files = Object.fromEntries(pending);
    pending.clear();
    say(root.dataset.saving || '…');
    try {
      await api('PUT', `/api/studio/drafts/${draftId}/files`, { files });
      say('✓');
    } catch (err) {
      say(String(err.message || err));
      return;
    }
    await refresh();
  }

  if (editable) {
    for (const area of document.querySelectorAll('textarea[data-file]')) {
      area.addEventListener('input', () => {
        pending.set(area.dataset.file, area.value);
        say('…');
        clearTimeout(timer);
        timer = setTimeout(save, 400);
      });
    }
  }
  options.addEventListener('submit', (event) => {
    event.preventDefault();
    refresh();
  });
  options.addEventListener('change', () => refresh());
  refresh();
})();
