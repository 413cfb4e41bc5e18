/**
 * A state machine drawn from its ASL: dagre lays the graph out, the console draws it as SVG. The
 * states the execution went through and the ways it took are highlighted; the current (or last)
 * state is marked.
 */
import dagre from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import { aslGraph, pathTaken, type AslEdge } from './asl-graph';
import { humanize } from './format';

const CHAR = 7.2;
const NODE_HEIGHT = 44;

interface Props {
  readonly definition: unknown;
  readonly visited: readonly string[];
  /** The state the execution is in now (null once it ended). */
  readonly current: string | null;
  /** The last state entered (where it ended, when it did). */
  readonly last: string | null;
}

function edgeKey(e: AslEdge): string {
  return `${e.from}→${e.to}:${e.kind}:${e.label}`;
}

export function StateGraph({ definition, visited, current, last }: Props) {
  const layout = useMemo(() => {
    const graph = aslGraph(definition);
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, edgesep: 14, marginx: 16, marginy: 16 });
    g.setNode('__start', { width: 18, height: 18 });
    for (const node of graph.nodes) g.setNode(node.id, { width: Math.max(120, node.id.length * CHAR + 32), height: NODE_HEIGHT });
    g.setEdge('__start', graph.startAt, { width: 0, height: 0 }, 'start');
    for (const edge of graph.edges) {
      const label = edge.label.length > 28 ? `${edge.label.slice(0, 27)}…` : edge.label;
      g.setEdge(edge.from, edge.to, { label, width: label ? label.length * 6 + 8 : 0, height: label ? 16 : 0, labelpos: 'c' }, edgeKey(edge));
    }
    dagre.layout(g);
    return { graph, g };
  }, [definition]);

  const { graph, g } = layout;
  const visitedSet = new Set(visited);
  const taken = new Set(pathTaken(graph, visited).map(edgeKey));
  const marked = current ?? last;
  const size = g.graph() as { width?: number; height?: number };
  const width = Math.ceil(size.width ?? 400);
  const height = Math.ceil(size.height ?? 300);
  const start = g.node('__start');
  const description = `State machine with ${graph.nodes.length} states. ${visited.length ? `Went through ${[...new Set(visited)].map(humanize).join(', ')}.` : 'Not started.'} ${current ? `Now in ${humanize(current)}.` : last ? `Ended in ${humanize(last)}.` : ''}`;

  return (
    <figure class="state-graph">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-labelledby="state-graph-title state-graph-desc" data-testid="state-graph">
        <title id="state-graph-title">Order lifecycle state machine</title>
        <desc id="state-graph-desc">{description}</desc>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#8a94a6" />
          </marker>
          <marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#1565c0" />
          </marker>
        </defs>
        {g.edges().map((e) => {
          const edge = g.edge(e) as { points: { x: number; y: number }[]; label?: string; x?: number; y?: number };
          const isTaken = e.name === 'start' ? visited.length > 0 : taken.has(e.name ?? '');
          const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
          const kind = e.name?.split(':')[1] ?? 'next';
          return (
            <g key={`${e.v}-${e.w}-${e.name}`} class={`edge edge-${kind}${isTaken ? ' taken' : ''}`} data-taken={isTaken ? 'true' : 'false'}>
              <path d={d} fill="none" marker-end={`url(#${isTaken ? 'arrow-taken' : 'arrow'})`} />
              {edge.label && edge.x !== undefined && edge.y !== undefined && (
                <text x={edge.x} y={edge.y + 4} text-anchor="middle" class="edge-label">
                  {edge.label}
                </text>
              )}
            </g>
          );
        })}
        {start && <circle cx={start.x} cy={start.y} r={8} class="start" />}
        {graph.nodes.map((node) => {
          const n = g.node(node.id);
          if (!n) return null;
          const state = node.id === marked ? (current ? 'current' : 'last') : visitedSet.has(node.id) ? 'visited' : 'unvisited';
          return (
            <g key={node.id} class={`node node-${node.type.toLowerCase()} node-${state}`} data-state={node.id} data-status={state} transform={`translate(${n.x - n.width / 2}, ${n.y - n.height / 2})`}>
              <title>{`${node.id} (${node.type})${node.comment ? `: ${node.comment}` : ''}`}</title>
              <rect width={n.width} height={n.height} rx={node.type === 'Choice' ? 22 : 6} />
              <text x={n.width / 2} y={n.height / 2 + 4} text-anchor="middle">
                {node.id}
              </text>
              {state === 'current' && (
                <text x={n.width - 6} y={11} text-anchor="end" class="now-label">
                  now
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span class="legend legend-current">current state</span> <span class="legend legend-visited">went through</span> <span class="legend legend-unvisited">not (yet) reached</span>
      </figcaption>
    </figure>
  );
}
