// Types of the validator that `build-validator` generates at build time.
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
declare const validate: ((data: unknown) => boolean) & { errors?: SchemaError[] | null };
export default validate;
/** The schema the validator was compiled from (schemas/sop.schema.json). */
export declare const schemaJson: unknown;
/** The schema of the office calendar (schemas/calendar.schema.json). */
export declare const calendarSchemaJson: unknown;
