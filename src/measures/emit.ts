/** Turns MeasureSets into the source of a Cube JavaScript model module. Cube's compiler only
 * loads .js/.yml model files; the repository (src/semantic/repository.ts) serves this generated
 * module next to the hand-written files in model/, and the cube files import it. */
import type { DimensionSet } from "./dimensions.ts";
import type { MeasureDefinition, MeasureSet } from "./types.ts";

const TEMPLATE_REFERENCE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Cube template SQL ("{CUBE}.x + {promoters}") -> an arrow function Cube can evaluate:
 * (CUBE, promoters) => `${CUBE}.x + ${promoters}`. Cube resolves the parameters by name. */
export function sqlFunctionSource(template: string): string {
  const names: string[] = [];
  const escaped = template.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${");
  const body = escaped.replace(TEMPLATE_REFERENCE, (_match, name: string) => {
    if (!names.includes(name)) names.push(name);
    return `\${${name}}`;
  });
  return `(${names.join(", ")}) => \`${body}\``;
}

const literal = (value: unknown): string => JSON.stringify(value);

function measureSource(definition: MeasureDefinition, indent: string): string {
  const lines: string[] = [`type: ${literal(definition.type)},`];
  if (definition.sql !== undefined) lines.push(`sql: ${sqlFunctionSource(definition.sql)},`);
  if (definition.title !== undefined) lines.push(`title: ${literal(definition.title)},`);
  lines.push(`description: ${literal(definition.description)},`);
  if (definition.format !== undefined) lines.push(`format: ${literal(definition.format)},`);
  if (definition.filters?.length) {
    lines.push(`filters: [${definition.filters.map((f) => `{ sql: ${sqlFunctionSource(f)} }`).join(", ")}],`);
  }
  if (definition.public === false) lines.push(`public: false,`);
  if (definition.meta !== undefined) lines.push(`meta: ${literal(definition.meta)},`);
  return `{\n${lines.map((l) => `${indent}  ${l}`).join("\n")}\n${indent}}`;
}

export function measureSetSource(set: MeasureSet, indent = "  "): string {
  const entries = Object.entries(set).map(([name, definition]) => {
    if (!IDENTIFIER.test(name)) throw new Error(`measure name "${name}" is not a valid Cube member name`);
    return `${indent}${name}: ${measureSource(definition, indent)},`;
  });
  return `{\n${entries.join("\n")}\n}`;
}

export function dimensionSetSource(set: DimensionSet, indent = "  "): string {
  const entries = Object.entries(set).map(([name, d]) => {
    if (!IDENTIFIER.test(name)) throw new Error(`dimension name "${name}" is not a valid Cube member name`);
    const lines = [`type: ${literal(d.type)},`, `sql: ${sqlFunctionSource(d.sql)},`];
    if (d.title !== undefined) lines.push(`title: ${literal(d.title)},`);
    lines.push(`description: ${literal(d.description)},`);
    if (d.public === false) lines.push(`public: false,`);
    return `${indent}${name}: {\n${lines.map((l) => `${indent}  ${l}`).join("\n")}\n${indent}},`;
  });
  return `{\n${entries.join("\n")}\n}`;
}

/** A whole model module: `export const <name> = { ... };` per measure set and dimension set. */
export function measureModuleSource(
  sets: Record<string, MeasureSet>,
  header: string,
  dimensionSets: Record<string, DimensionSet> = {},
): string {
  const body = [
    ...Object.entries(sets).map(([name, set]) => `export const ${name} = ${measureSetSource(set)};`),
    ...Object.entries(dimensionSets).map(([name, set]) => `export const ${name} = ${dimensionSetSource(set)};`),
  ];
  return [`// ${header}`, ...body, ""].join("\n\n");
}
