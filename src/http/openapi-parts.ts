// The small pieces every part of the OpenAPI document is written with.

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ 'application/json': { schema } });
/** The problem+json answers of these statuses. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: 'Problem details (RFC 9457)',
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );
