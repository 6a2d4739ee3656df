/**
 * The flowchart in Mermaid and in Graphviz DOT. The DOT output of every seed
 * is drawn with the real Graphviz (`dot -Tsvg`), which must accept it and
 * draw every step, every exit label and one cluster per actor.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSopSource, loadSop, SCHEMA_COMMENT } from '../../engine/definition/load.js';
import { dotFlowchart } from '../../engine/tooling/graph-dot.js';
import { mermaidFlowchart, mermaidText } from '../../engine/tooling/graph-mermaid.js';
import type { SopDefinition } from '../../engine/index.js';

const SOPS = fileURLToPath(new URL('../../sops/', import.meta.url));
const SEEDS = ['pengecualian-smki', 'implementasi-security-patch', 'pengelolaan-akses-pengguna'];

/** Runs `dot -Tsvg` on the text; the SVG, or the failure. */
function drawWithGraphviz(dot: string): { status: number | null; svg: string; stderr: string } {
  const r = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  if (r.error) throw new Error(`Graphviz is needed for this test (.ci/run installs it): ${r.error.message}`);
  return { status: r.status, svg: r.stdout, stderr: r.stderr };
}

/** The text Graphviz draws, back from the SVG: its <text> elements, with the entities it escapes read back. */
function svgTexts(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)]
    .map((m) =>
      m[1]!
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    )
    .join(' ');
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('sop graph --format dot, drawn by Graphviz', () => {
  it.each(SEEDS)('Given the seed %s, When its DOT is drawn with dot -Tsvg, Then it succeeds and shows every step, exit label and actor', (id) => {
    const def = loadSop(SOPS, id);
    const { status, svg, stderr } = drawWithGraphviz(dotFlowchart(def));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(svg).toMatch(/^<\?xml/);
    const drawn = words(svgTexts(svg)).join(' ');
    // Graphviz draws each wrapped line of a label as its own <text>: compare word by word.
    for (const s of def.steps) expect(drawn).toContain(words(`${s.number}. ${s.activity}`).join(' '));
    for (const s of def.steps) if (s.kind === 'decision') for (const x of s.exits) expect(drawn).toContain(x.label);
    for (const e of def.ends) expect(drawn).toContain(words(e.name).join(' '));
    for (const a of def.actors) expect(drawn).toContain(a.name);
    expect(svg.match(/class="cluster"/g)).toHaveLength(def.actors.length);
  });

  it('Given the seed pengecualian-smki, Then each actor is a cluster, each symbol has its shape, and the loop 6 -> 5 is dashed', () => {
    const dot = dotFlowchart(loadSop(SOPS, 'pengecualian-smki'));
    expect(dot.match(/subgraph cluster_lane\d+ \{/g)).toHaveLength(3);
    expect(dot).toContain('label="Pemohon"');
    expect(dot).toMatch(/s1 \[shape=box, style="rounded,bold", label="1\. Pengajuan Permohonan"\];/);
    expect(dot).toMatch(/s2 \[shape=box, label="2\. Menganalisis Resiko\\nPengecualian"\];/);
    expect(dot).toMatch(/s3 \[shape=diamond, /);
    expect(dot).toMatch(/e2 \[shape=box, style="rounded,bold", label="Permohonan tidak\\ndisetujui"\];/);
    expect(dot).toContain('s3 -> s4 [label=" Setuju "];');
    expect(dot).toContain('s3 -> e2 [label=" Tidak Setuju "];');
    expect(dot).toContain('s6 -> s5 [style=dashed, constraint=false];');
  });

  it('Given labels with quotes, backslashes and line breaks, Then Graphviz still reads the DOT and draws the text as written', () => {
    const def = hostileLabels();
    const dot = dotFlowchart(def);
    const { status, svg, stderr } = drawWithGraphviz(dot);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const drawn = svgTexts(svg);
    expect(drawn).toContain('"Cek"');
    expect(drawn).toContain('C:\\arsip');
    expect(drawn).toContain('<b>');
    expect(drawn).toContain('Ya "benar"');
  });
});

describe('sop graph --format mermaid', () => {
  it('Given the seed pengecualian-smki, Then there is one subgraph per actor holding its steps, shapes by kind, labelled exits, and a dotted loop', () => {
    const text = mermaidFlowchart(loadSop(SOPS, 'pengecualian-smki'));
    const lines = text.split('\n');
    expect(lines[1]).toBe('flowchart TB');
    expect(lines.filter((l) => /^\s+subgraph lane\d+\[/.test(l))).toEqual(['  subgraph lane1["Pemohon"]', '  subgraph lane2["Pengelola/Tim Teknis"]', '  subgraph lane3["Kepala Bidang Persandian"]']);
    expect(lines.filter((l) => l === '  end')).toHaveLength(3);
    // The start step is the start terminator; processes are boxes, decisions diamonds, ends terminators.
    expect(text).toContain('    s1(["1. Pengajuan Permohonan"])');
    expect(text).toContain('    s2["2. Menganalisis Resiko Pengecualian"]');
    expect(text).toContain('    s3{"3. Persetujuan Permohonan Pengecualian"}');
    expect(text).toContain('    e2(["Permohonan tidak disetujui"])');
    // Each node sits inside its actor's subgraph.
    const lane3 = text.slice(text.indexOf('subgraph lane3'), text.indexOf('  end', text.indexOf('subgraph lane3')));
    expect(lane3).toContain('s3{');
    expect(lane3).toContain('e2(');
    expect(text).toContain('  s3 -->|"Setuju"| s4');
    expect(text).toContain('  s3 -->|"Tidak Setuju"| e2');
    expect(text).toContain('  s6 -.-> s5');
    expect(text.match(/-\.->/g)).toHaveLength(1);
  });

  it('Given a start step that is a decision, Then a separate Mulai terminator leads into it', () => {
    const text = mermaidFlowchart(startsWithDecision());
    expect(text).toContain('s0(["Mulai"])');
    expect(text).toContain('  s0 --> s1');
    expect(text).toContain('s1{"1. Periksa"}');
  });

  it('Given characters that mean something to Mermaid or HTML, Then they are written as #codes; and no label can close its quotes', () => {
    expect(mermaidText('A "b" <i>&</i> #1 `c` | d\ne')).toBe('A #34;b#34; #60;i#62;#38;#60;/i#62; #35;1 #96;c#96; #124; d e');
    const text = mermaidFlowchart(hostileLabels());
    const labelled = text.split('\n').filter((l) => l.includes('"'));
    // The actor's lane, Mulai (the start is a decision), the step, the end, the two exits: two quotes each, so no label ends early.
    expect(labelled).toHaveLength(6);
    for (const line of labelled) expect(line.match(/"/g)).toHaveLength(2);
    expect(text).not.toContain('<b>');
  });
});

function define(id: string, body: string): SopDefinition {
  const checked = checkSopSource(
    `${id}.yaml`,
    `${SCHEMA_COMMENT}\nid: ${id}\nrevision: 1\nidentity: { agency: A, unit: U, number: N, name: Uji, createdOn: 2025-01-01, effectiveOn: 2025-01-01 }\n${body}`,
    () => false,
  );
  if (!checked.definition) throw new Error(checked.problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('\n'));
  return checked.definition;
}

function hostileLabels(): SopDefinition {
  return define(
    'label-aneh',
    `actors: [{ id: petugas, name: 'Petugas "Arsip" <b>' }]
steps:
  - id: cek
    number: 1
    activity: '"Cek" berkas di C:\\arsip\\2025 <b>tebal</b> & #1'
    actor: petugas
    time: 5 Menit
    exits:
      - { label: 'Ya "benar"', to: selesai }
      - { label: 'Tidak | ulang', to: cek }
ends: [{ id: selesai, outcome: selesai }]
`,
  );
}

function startsWithDecision(): SopDefinition {
  return define(
    'mulai-keputusan',
    `actors: [{ id: petugas, name: Petugas }]
steps:
  - { id: periksa, number: 1, activity: Periksa, actor: petugas, time: 5 Menit, exits: [{ label: Ya, to: proses }, { label: Tidak, to: selesai }] }
  - { id: proses, number: 2, activity: Proses, actor: petugas, time: 5 Menit, outputs: [], next: selesai }
ends: [{ id: selesai, outcome: selesai }]
`,
  );
}
