import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import type { ActorSummary, ProvenanceHop } from './types.js';
import { label, words } from './ui.js';

const NODE_W = 260;
const NODE_H = 150;

interface Placed {
  id: string;
  x: number;
  y: number;
  hop: ProvenanceHop | null;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Placed[];
  edges: Array<{ from: string; to: string; points: Array<{ x: number; y: number }> }>;
}

/**
 * Lays out the tree from the speaker to every page, each hop drawn once, left to right: depth runs along
 * x, so a 20-hop chain is wide and 50 pages stack down, and text keeps its size at any scale.
 */
export function layout(hops: ProvenanceHop[]): Layout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel & { hop: ProvenanceHop | null }, EdgeLabel>();
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode('speaker', { width: NODE_W, height: NODE_H, hop: null });
  const visit = (parent: string, list: ProvenanceHop[]) => {
    for (const h of list) {
      const id = `hop-${h.id}`;
      g.setNode(id, { width: NODE_W, height: NODE_H, hop: h });
      g.setEdge(parent, id);
      visit(id, h.hops);
    }
  };
  visit('speaker', hops);
  dagre.layout(g);
  const nodes: Placed[] = g.nodes().map((id) => {
    const n = g.node(id);
    return { id, x: (n.x ?? 0) - NODE_W / 2, y: (n.y ?? 0) - NODE_H / 2, hop: n.hop };
  });
  const edges = g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] }));
  const graph = g.graph();
  return { width: graph.width ?? NODE_W, height: graph.height ?? NODE_H, nodes, edges };
}

function HopCard({ hop }: { hop: ProvenanceHop }) {
  const r = hop.relayedBy;
  return (
    <>
      <p class="relayer">
        <a href={`/actors/${r.id}`}>{label(r)}</a> <span class={`badge ${r.identityStatus}`}>{r.identityStatus}</span>
      </p>
      <p class="cue" title={hop.cue ?? undefined}>
        {hop.cue ? `“${hop.cue}”` : hop.firstHand || hop.depth > 1 ? '(no cue)' : '? origin unknown'}
      </p>
      <p class="meta">
        <span class={`hedge h-${hop.hedge}`}>{words(hop.hedge)}</span> · {hop.mode}
        {hop.relayedOn ? ` · ${hop.relayedOn}` : hop.document?.publishedOn ? ` · ${hop.document.publishedOn}` : ''}
      </p>
      {hop.document && (
        <p class="doc" title={hop.document.title}>
          <a href={`/documents/${hop.document.id}`}>{hop.document.title}</a>
        </p>
      )}
    </>
  );
}

/** The provenance diagram: a card per hop, positioned by dagre, edges drawn as SVG behind them. */
export function ProvenanceDiagram({ speaker, hops }: { speaker: ActorSummary; hops: ProvenanceHop[] }) {
  const l = useMemo(() => layout(hops), [hops]);
  const byId = new Map(l.nodes.map((n) => [n.id, n]));
  return (
    <div class="diagram-scroll">
      <figure class="diagram" style={{ width: `${l.width}px`, height: `${l.height}px` }} aria-label="Provenance diagram">
        <svg width={l.width} height={l.height} aria-hidden="true" focusable="false">
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" />
            </marker>
          </defs>
          {l.edges.map((e) => {
            const target = byId.get(e.to)?.hop;
            const dashed = target && !target.firstHand && target.depth === 1;
            return (
              <polyline
                key={`${e.from}-${e.to}`}
                class={dashed ? 'edge unknown' : 'edge'}
                points={e.points.map((p) => `${p.x},${p.y}`).join(' ')}
                marker-end="url(#arrow)"
              />
            );
          })}
        </svg>
        <ol class="nodes">
          {l.nodes.map((n) => (
            <li
              key={n.id}
              class={n.hop ? 'node hop' : 'node speaker'}
              style={{ left: `${n.x}px`, top: `${n.y}px`, width: `${NODE_W}px`, height: `${NODE_H}px` }}
              aria-label={n.hop ? `hop ${n.hop.depth}` : 'speaker'}
            >
              {n.hop ? (
                <HopCard hop={n.hop} />
              ) : (
                <>
                  <p class="relayer">
                    <a href={`/actors/${speaker.id}`}>{label(speaker)}</a>{' '}
                    <span class={`badge ${speaker.identityStatus}`}>{speaker.identityStatus}</span>
                  </p>
                  <p class="meta">speaker</p>
                  {speaker.affiliation && <p class="meta">{speaker.affiliation}</p>}
                </>
              )}
            </li>
          ))}
        </ol>
      </figure>
    </div>
  );
}

/** Every path from the speaker to a page (for compact lists; the diagram draws shared hops once). */
export function paths(hops: ProvenanceHop[], prefix: ProvenanceHop[] = []): ProvenanceHop[][] {
  return hops.flatMap((h) => (h.hops.length ? paths(h.hops, [...prefix, h]) : [[...prefix, h]]));
}
