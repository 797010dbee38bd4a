/**
 * The files `init` writes come from templates/init/ in this package, filled
 * in by `render`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Template variables: strings for `{{name}}`, booleans for `{{#flag}}` sections. */
export type Vars = Record<string, string | boolean>;

// Relative to this file, so it resolves the same in the repository and in an installed package.
const TEMPLATES = fileURLToPath(new URL("../../templates/init/", import.meta.url));

/** `{{name}}` → value; `{{#flag}}…{{/flag}}` kept only when the flag is true. */
export function render(template: string, vars: Vars): string {
  const text = readFileSync(join(TEMPLATES, template), "utf8");
  const sections = text.replace(
    /\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g,
    (_, flag: string, body: string) => {
      if (!(flag in vars)) throw new Error(`${template}: unknown section {{#${flag}}}`);
      return vars[flag] ? body : "";
    },
  );
  return sections.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (typeof vars[name] !== "string")
      throw new Error(`${template}: unknown variable {{${name}}}`);
    return vars[name] as string;
  });
}
