/** Text and attribute values in HTML (and SVG inside it): the five characters that can change meaning. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
