/** Whether text is a UUID: ids that are not cannot name anything, so callers answer 404 without a query. */
export const isUuid = (text: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

/** The nil UUID: an id that names nothing, where a query needs an id and there is none to give. */
export const NO_ID = '00000000-0000-0000-0000-000000000000';
