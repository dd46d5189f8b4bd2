// A machine drawn as a server-rendered SVG, with the case's current stage highlighted. No JavaScript:
// states in columns by their distance from the initial state (in bands no wider than the page), edges
// as arrows, a text alternative.
// (Clients wanting the diagram as text have the Mermaid source from the machines API.)

import type { AnyStateNode } from 'xstate';
import type { MachineDefinition } from '../../../machines/define.ts';
import { escapeMarkup } from '../../markup.ts';

const BOX_W = 150;
const BOX_H = 58;
const COL_GAP = 40;
const ROW_GAP = 22;
const PAD = 12;
const LINE_CHARS = 22;
/** The page's main column: a machine wider than this is drawn in bands, so its words stay readable. */
const PAGE_W = 960;
const PER_BAND = Math.max(1, Math.floor((PAGE_W - 2 * PAD + COL_GAP) / (BOX_W + COL_GAP)));
/** Between bands, room for the arrows that carry on from one band to the next. */
const BAND_GAP = 46;

interface Edge {
  from: string;
  to: string;
  label: string;
}

function machineEdges(definition: MachineDefinition): Edge[] {
  const found: Edge[] = [];
  const states = definition.machine.root.states as Record<string, AnyStateNode>;
  for (const [name, node] of Object.entries(states)) {
    for (const [eventType, transitions] of node.transitions) {
      const label = Object.hasOwn(definition.events, eventType)
        ? definition.events[eventType]!.label
        : 'Time limit passed';
      for (const transition of transitions) {
        for (const target of transition.target ?? []) {
          if (!found.some((e) => e.from === name && e.to === target.key && e.label === label))
            found.push({ from: name, to: target.key, label });
        }
      }
    }
  }
  return found;
}

/** Breadth-first rank from the initial state; states it cannot reach go in a last column. */
function ranks(definition: MachineDefinition, edges: Edge[]): string[][] {
  const names = Object.keys(definition.machine.root.states);
  const initial = definition.machine.root.initial?.target[0]?.key ?? names[0]!;
  const rank = new Map<string, number>([[initial, 0]]);
  const queue = [initial];
  while (queue.length) {
    const from = queue.shift()!;
    for (const edge of edges) {
      if (edge.from === from && !rank.has(edge.to)) {
        rank.set(edge.to, rank.get(from)! + 1);
        queue.push(edge.to);
      }
    }
  }
  const last = Math.max(...rank.values()) + 1;
  const columns: string[][] = [];
  for (const name of names) {
    const column = rank.get(name) ?? last;
    columns[column] = [...(columns[column] ?? []), name];
  }
  return columns.filter(Boolean);
}

/** Splits a label into at most three lines that fit the box. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const current = lines[lines.length - 1];
    if (current !== undefined && `${current} ${word}`.length <= LINE_CHARS)
      lines[lines.length - 1] = `${current} ${word}`;
    else lines.push(word);
  }
  if (lines.length > 3)
    return [
      ...lines.slice(0, 2),
      `${lines
        .slice(2)
        .join(' ')
        .slice(0, LINE_CHARS - 1)}…`,
    ];
  return lines;
}

const labelOf = (definition: MachineDefinition, state: string) => definition.states[state]?.label ?? state;

type Diagram = { svg: string; alternative: string; stages: { label: string; current: boolean }[] };

const drawn = new WeakMap<MachineDefinition, Map<string, Diagram>>();

/**
 * The diagram's SVG and its text alternative, for a case at `current`: drawn once per machine and
 * stage, since every case page shows one and nothing in it is the case's own. Callers never change it.
 */
export function machineDiagram(definition: MachineDefinition, current: string): Diagram {
  let byStage = drawn.get(definition);
  if (!byStage) {
    byStage = new Map();
    drawn.set(definition, byStage);
  }
  let diagram = byStage.get(current);
  if (!diagram) {
    diagram = drawDiagram(definition, current);
    byStage.set(current, diagram);
  }
  return diagram;
}

function drawDiagram(definition: MachineDefinition, current: string): Diagram {
  const edges = machineEdges(definition);
  const columns = ranks(definition, edges);
  // Columns in bands of PER_BAND, one band under the other, each as tall as its tallest column.
  const bands: string[][][] = [];
  for (let c = 0; c < columns.length; c += PER_BAND) bands.push(columns.slice(c, c + PER_BAND));
  const position = new Map<string, { x: number; y: number; band: number }>();
  let top = PAD;
  for (const [band, bandColumns] of bands.entries()) {
    for (const [c, column] of bandColumns.entries())
      for (const [r, name] of column.entries())
        position.set(name, { x: PAD + c * (BOX_W + COL_GAP), y: top + r * (BOX_H + ROW_GAP), band });
    top += Math.max(...bandColumns.map((c) => c.length)) * (BOX_H + ROW_GAP) - ROW_GAP + BAND_GAP;
  }
  const widest = Math.max(...bands.map((b) => b.length));
  const width = PAD * 2 + widest * BOX_W + (widest - 1) * COL_GAP;
  const height = top - BAND_GAP + PAD;
  const states = definition.machine.root.states as Record<string, AnyStateNode>;

  const arrows = edges
    .filter((e) => e.from !== e.to)
    .map((edge) => {
      const a = position.get(edge.from)!;
      const b = position.get(edge.to)!;
      const title = `<title>${escapeMarkup(edge.label)}</title>`;
      const attributes = 'fill="none" stroke="#505a5f" stroke-width="1.5" marker-end="url(#app-arrow)"';
      if (a.band !== b.band) {
        // To another band: from the bottom of one box to the top of the other (or back up), curved.
        const down = b.band > a.band;
        const [x1, y1] = [a.x + BOX_W / 2, down ? a.y + BOX_H : a.y];
        const [x2, y2] = [b.x + BOX_W / 2, down ? b.y : b.y + BOX_H];
        const bend = down ? BAND_GAP : -BAND_GAP;
        return `<path d="M ${x1} ${y1} C ${x1} ${y1 + bend} ${x2} ${y2 - bend} ${x2} ${y2}" ${attributes}>${title}</path>`;
      }
      if (b.x > a.x) {
        // Forward (always to the next column): right side to left side, straight.
        return `<line x1="${a.x + BOX_W}" y1="${a.y + BOX_H / 2}" x2="${b.x}" y2="${b.y + BOX_H / 2}" ${attributes}>${title}</line>`;
      }
      if (b.x === a.x) {
        // Within a column: between the boxes, downward on the right, upward on the left.
        const down = b.y > a.y;
        const x = a.x + BOX_W * (down ? 0.75 : 0.25);
        return `<line x1="${x}" y1="${down ? a.y + BOX_H : a.y}" x2="${x}" y2="${down ? b.y : b.y + BOX_H}" ${attributes}>${title}</line>`;
      }
      // Back: left side to right side, bowed so it never hides a forward edge between the same boxes.
      const [x1, y1, x2, y2] = [a.x, a.y + BOX_H / 2 + 8, b.x + BOX_W, b.y + BOX_H / 2 + 8];
      const [cx, cy] = [(x1 + x2) / 2, Math.max(y1, y2) + 10];
      return `<path d="M ${x1} ${y1} Q ${cx} ${cy} ${x2} ${y2}" ${attributes}>${title}</path>`;
    });

  const boxes = columns.flat().map((name) => {
    const { x, y } = position.get(name)!;
    const isCurrent = name === current;
    const final = states[name]?.type === 'final';
    const lines = wrap(labelOf(definition, name));
    const firstY = y + BOX_H / 2 - ((lines.length - 1) * 15) / 2 + 4;
    const tspans = lines
      .map((line, i) => `<tspan x="${x + BOX_W / 2}" y="${firstY + i * 15}">${escapeMarkup(line)}</tspan>`)
      .join('');
    return [
      `<g${isCurrent ? ' aria-current="step"' : ''}>`,
      `<rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="${final ? 18 : 4}"`,
      ` fill="${isCurrent ? '#ffdd00' : '#ffffff'}" stroke="#0b0c0c" stroke-width="${isCurrent ? 4 : 1}"/>`,
      `<text font-family="Arial, sans-serif" font-size="13" text-anchor="middle" fill="#0b0c0c"${isCurrent ? ' font-weight="bold"' : ''}>${tspans}</text>`,
      '</g>',
    ].join('');
  });

  const currentLabel = labelOf(definition, current);
  const next = [...new Set(edges.filter((e) => e.from === current && e.to !== current).map((e) => e.to))];
  const alternative = `Current stage: ${currentLabel}. ${
    next.length
      ? `Next stages: ${next.map((s) => labelOf(definition, s)).join('; ')}.`
      : 'This is a final stage: nothing follows it.'
  }`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeMarkup(`Diagram of the stages of ${definition.title}, with the current stage (${currentLabel}) highlighted`)}"`,
    // Drawn in bands no wider than the page, at its own size. (No style attributes: the CSP.)
    ` viewBox="0 0 ${width} ${height}" width="${width}" preserveAspectRatio="xMinYMin meet" focusable="false">`,
    `<title>${escapeMarkup(`Stages of ${definition.title}`)}</title>`,
    '<defs><marker id="app-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">',
    '<path d="M 0 0 L 10 5 L 0 10 z" fill="#505a5f"/></marker></defs>',
    ...arrows,
    ...boxes,
    '</svg>',
  ].join('');
  // The stages in the diagram's order, for a phone, where a list reads better than a drawing.
  const stages = columns
    .flat()
    .map((name) => ({ label: labelOf(definition, name), current: name === current }));
  return { svg, alternative, stages };
}
