/**
 * An Amazon States Language definition as a graph: one node per top-level state, one edge per way
 * out of it (`Next`, each `Choice` rule, `Default`, each `Catch`), and the path an execution took
 * through it. Pure (no DOM), so it is unit-tested with the product's own ASL files.
 */

export interface AslNode {
  readonly id: string;
  readonly type: string;
  readonly comment: string | null;
  /** Ends the execution (Succeed, Fail, or `End: true`). */
  readonly terminal: boolean;
}

export type AslEdgeKind = 'next' | 'choice' | 'default' | 'catch';

export interface AslEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: AslEdgeKind;
  /** What takes this way: a choice's value, an error name; empty for plain `Next`. */
  readonly label: string;
}

export interface AslGraph {
  readonly startAt: string;
  readonly comment: string | null;
  readonly nodes: readonly AslNode[];
  readonly edges: readonly AslEdge[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A choice rule in a few words: `decision = APPROVED`, `not (x = y)`, `a and b`. */
export function describeChoiceRule(rule: Json): string {
  const variable = typeof rule.Variable === 'string' ? rule.Variable.replace(/^\$\.?/, '') : '';
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next' || key === 'Comment') continue;
    if (key === 'Not' && isObject(value)) return `not (${describeChoiceRule(value)})`;
    if ((key === 'And' || key === 'Or') && Array.isArray(value)) return value.filter(isObject).map(describeChoiceRule).join(` ${key.toLowerCase()} `);
    const op = /Equals/.test(key) ? '=' : /GreaterThanEquals/.test(key) ? '≥' : /LessThanEquals/.test(key) ? '≤' : /GreaterThan/.test(key) ? '>' : /LessThan/.test(key) ? '<' : key === 'IsPresent' ? (value ? 'present' : 'absent') : key;
    if (key === 'IsPresent') return `${variable} ${op}`;
    if (key.startsWith('Is')) return `${variable} ${key.slice(2).toLowerCase()}`;
    return `${variable} ${op} ${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  if (typeof rule.Condition === 'string') return rule.Condition;
  return variable;
}

/** The graph of a definition's top-level states; throws when it is not a state machine definition. */
export function aslGraph(definition: unknown): AslGraph {
  if (!isObject(definition) || typeof definition.StartAt !== 'string' || !isObject(definition.States)) {
    throw new Error('Not a state machine definition: it needs StartAt and States');
  }
  const nodes: AslNode[] = [];
  const edges: AslEdge[] = [];
  for (const [id, raw] of Object.entries(definition.States)) {
    if (!isObject(raw)) continue;
    const type = typeof raw.Type === 'string' ? raw.Type : 'Unknown';
    nodes.push({ id, type, comment: typeof raw.Comment === 'string' ? raw.Comment : null, terminal: type === 'Succeed' || type === 'Fail' || raw.End === true });
    if (typeof raw.Next === 'string') edges.push({ from: id, to: raw.Next, kind: 'next', label: '' });
    if (Array.isArray(raw.Choices)) {
      for (const rule of raw.Choices.filter(isObject)) {
        if (typeof rule.Next === 'string') edges.push({ from: id, to: rule.Next, kind: 'choice', label: describeChoiceRule(rule) });
      }
    }
    if (typeof raw.Default === 'string') edges.push({ from: id, to: raw.Default, kind: 'default', label: 'otherwise' });
    if (Array.isArray(raw.Catch)) {
      for (const c of raw.Catch.filter(isObject)) {
        if (typeof c.Next !== 'string') continue;
        const errors = Array.isArray(c.ErrorEquals) ? c.ErrorEquals.filter((e): e is string => typeof e === 'string') : [];
        edges.push({ from: id, to: c.Next, kind: 'catch', label: errors.join(', ') });
      }
    }
  }
  const known = new Set(nodes.map((n) => n.id));
  return {
    startAt: definition.StartAt,
    comment: typeof definition.Comment === 'string' ? definition.Comment : null,
    nodes,
    edges: edges.filter((e) => known.has(e.to)),
  };
}

/**
 * The edges an execution went along, from the states it entered in order: each step from one
 * visited state to the next that the graph has an edge for (the first such edge when a state has
 * several to the same target).
 */
export function pathTaken(graph: AslGraph, visited: readonly string[]): AslEdge[] {
  const taken: AslEdge[] = [];
  for (let i = 1; i < visited.length; i++) {
    const edge = graph.edges.find((e) => e.from === visited[i - 1] && e.to === visited[i]);
    if (edge && !taken.includes(edge)) taken.push(edge);
  }
  return taken;
}
