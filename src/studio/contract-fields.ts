/**
 * The data contract's fields as the studio's forms offer them (issue 21 item 1): the paths a text can
 * insert as `{{path}}`, and the fields of one list's items that a table column can show as `{{row.x}}`.
 * Read from manifest.json's `dataSchema` (JSON Schema); `title`/`description` go with a field when the
 * contract has them.
 */
export type DraftFiles = Readonly<Record<string, string>>;

export interface ContractField {
  /** `customer.name` (a text field) or `balance` (a list item's field). */
  path: string;
  /** The JSON Schema type, `null` left out: `string`, `number`, `integer`, `boolean`. */
  type: string;
  description?: string;
}

interface SchemaNode {
  type?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  description?: unknown;
  title?: unknown;
}

function dataSchema(files: DraftFiles): SchemaNode | undefined {
  try {
    return (JSON.parse(files['manifest.json'] ?? '{}') as { dataSchema?: SchemaNode }).dataSchema;
  } catch {
    return undefined; // A broken manifest: the lint says so; no fields to offer.
  }
}

/** The node's type without `null` (`["string", "null"]` → `string`). */
function typeOf(node: SchemaNode): string {
  const types = Array.isArray(node.type) ? node.type : [node.type];
  return String(types.find((t) => t !== 'null') ?? '');
}

function described(path: string, node: SchemaNode): ContractField {
  const text = [node.title, node.description].filter((t) => typeof t === 'string' && t.trim() !== '');
  return { path, type: typeOf(node), ...(text.length ? { description: text.join(' — ') } : {}) };
}

/** The leaf fields under `node` (objects are walked into; lists are left out). */
function leaves(node: SchemaNode | undefined, prefix: string): ContractField[] {
  const props = node?.properties;
  if (!props || typeof props !== 'object') return [];
  return Object.entries(props).flatMap(([name, child]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const type = typeOf(child);
    if (type === 'object') return leaves(child, path);
    return type === 'array' ? [] : [described(path, child)];
  });
}

/** The data contract's fields (manifest.json dataSchema), as paths to insert as `{{path}}`. */
export function contractFields(files: DraftFiles): ContractField[] {
  return leaves(dataSchema(files), '');
}

/**
 * The fields of each item of the list at `rows` (a dotted path such as `transactions`), as a table
 * column names them after `row.`. Empty when the contract has no such list.
 */
export function listItemFields(files: DraftFiles, rows: string): ContractField[] {
  let node = dataSchema(files);
  for (const name of rows.split('.')) node = node?.properties?.[name];
  if (!node || typeOf(node) !== 'array') return [];
  return leaves(node.items, '');
}
