/**
 * The office server: sop's use cases over HTTP (`/api/v1`), for the CLI in
 * client mode (SOP_SERVER), scripts and, with the next issue, the web
 * pages. `sop serve` runs it; a program can build it over an engine of its
 * own (`buildServer`, and `app.inject` in tests).
 */
export { buildServer, API, type ServerOptions } from './app.js';
export { startServer, checkStoreFile, type ServeOptions, type RunningServer } from './serve.js';
export { statusOf, problemOf, type ProblemBody } from './problem.js';
