/** The 8-step SOP with one decision that both engines run in the peer comparison. */
export const PEER_STEPS = 8;
/** The decision is step 4: "Setuju" goes on to step 5, "Tidak Setuju" ends the instance. */
export const PEER_DECISION = 4;

export function peerSopYaml() {
  const lines = [
    'id: peer-sop',
    'revision: 1',
    'identity: { agency: Pemerintah Kabupaten Contoh, unit: Dinas Contoh, number: B-1/BENCH/2026, name: Prosedur Perbandingan, createdOn: 2026-01-05, revisedOn: null, effectiveOn: 2026-01-05 }',
    'actors:',
    '  - { id: petugas, name: Petugas }',
    'steps:',
  ];
  for (let i = 1; i <= PEER_STEPS; i++) {
    lines.push(
      `  - { id: s${i}, number: ${i}, activity: Langkah ${i}, actor: petugas, time: 10 Menit${i === PEER_DECISION ? ', exits: [{ label: Setuju, to: s' + (i + 1) + ' }, { label: Tidak Setuju, to: ditolak }]' : i === PEER_STEPS ? ', next: selesai' : ''} }`,
    );
  }
  lines.push('ends:', '  - { id: selesai, outcome: selesai }', '  - { id: ditolak, outcome: ditolak }');
  return lines.join('\n') + '\n';
}

export function peerBpmn() {
  const tasks = [];
  const flows = [];
  for (let i = 1; i <= PEER_STEPS; i++) tasks.push(`<userTask id="s${i}" name="Langkah ${i}" />`);
  flows.push('<sequenceFlow id="f0" sourceRef="start" targetRef="s1" />');
  for (let i = 1; i < PEER_STEPS; i++) {
    if (i === PEER_DECISION) {
      flows.push(`<sequenceFlow id="f${i}" sourceRef="s${i}" targetRef="decision" />`);
      flows.push(`<sequenceFlow id="setuju" sourceRef="decision" targetRef="s${i + 1}" />`);
      flows.push(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a BPMN expression for bpmn-engine, not a template.
        '<sequenceFlow id="tidak-setuju" sourceRef="decision" targetRef="ditolak"><conditionExpression xsi:type="tFormalExpression">${environment.variables.ditolak}</conditionExpression></sequenceFlow>',
      );
    } else flows.push(`<sequenceFlow id="f${i}" sourceRef="s${i}" targetRef="s${i + 1}" />`);
  }
  flows.push(`<sequenceFlow id="f${PEER_STEPS}" sourceRef="s${PEER_STEPS}" targetRef="selesai" />`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="peer" targetNamespace="http://bpmn.io/schema/bpmn">
  <process id="peer-sop" isExecutable="true">
    <startEvent id="start" />
    ${tasks.join('\n    ')}
    <exclusiveGateway id="decision" default="setuju" />
    <endEvent id="selesai" />
    <endEvent id="ditolak" />
    ${flows.join('\n    ')}
  </process>
</definitions>`;
}
