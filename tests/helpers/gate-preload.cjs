// node --require this: the process waits at the start gate (gate.cjs) before running its script.
require('./gate.cjs').passGate();
