// Types of the module that `build-validator` generates at build time.
/** A hash of the schema and of the SOP and calendar checks of this build. */
export declare const checksVersion: string;
