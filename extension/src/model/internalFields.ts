/**
 * Fields that are bookkeeping rather than something a person reads (hashes, digests, thumbnail
 * keys): the large view hides them unless asked.
 */

/** Names ending in a hash or digest, e.g. quality_md5, quality_phash, thumb_hex. */
const INTERNAL_NAME = /(^|_)(md5|sha\d*|[adpw]?hash|hex|digest|thumb|thumbnail)$/i;
/** A value that is a long hexadecimal string (a digest whatever the field is called). */
const HEX_VALUE = /^[0-9a-f]{16,}$/i;

export function isInternalField(name: string, value: unknown): boolean {
  return INTERNAL_NAME.test(name) || (typeof value === "string" && HEX_VALUE.test(value));
}
