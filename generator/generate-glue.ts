/**
 * The handshake glue: go-plugin's handshake constants and the versioned
 * plugin-set table ({2: {diagnostics: …, data: …}, 3: {…}}), tying each
 * go-plugin plugin name to its service definition, adapter and clients. The
 * runtime reads only this object, which is why it stays protocol-independent.
 */
import type { PluginSetModel, ProtocolModel } from "./model.js";
import { adapterFunctionName } from "./generate-adapters.js";
import { typedClientName } from "./generate-clients.js";
import { handlerInterfaceName } from "./generate-handlers.js";
import { serviceSymbols } from "./naming.js";
import {
  docText,
  finishSourceFile,
  ImportSet,
  newSourceFile,
  type GeneratedFile,
} from "./source-file.js";

export function generateGlue(model: ProtocolModel): GeneratedFile {
  const name = "glue.ts";
  const source = newSourceFile(name);
  const imports = new ImportSet(name);
  const h = model.handshake;
  source.addStatements([
    `/** go-plugin handshake constants: a plugin refuses to serve unless the cookie is set (go-plugin's contract). */`,
    `export const handshake = { coreProtocolVersion: ${h.coreProtocolVersion}, magicCookieKey: ${JSON.stringify(h.magicCookieKey)}, magicCookieValue: ${JSON.stringify(h.magicCookieValue)} } as const;`,
  ]);
  for (const set of model.pluginSets) addHandlersInterface(source, imports, set);
  source.addInterface({
    name: "VersionedPluginHandlers",
    isExported: true,
    docs: [
      "Handlers per protocol version, for a plugin that serves several protocol majors side by side.",
    ],
    properties: model.pluginSets.map((s) => ({
      name: String(s.protocolVersion),
      hasQuestionToken: true,
      type: `PluginHandlersV${s.protocolVersion}`,
    })),
  });
  const sets = model.pluginSets.map(
    (s) => `${s.protocolVersion}: ${pluginSetLiteral(s, imports)},`,
  );
  source.addStatements([
    `/** go-plugin's VersionedPlugins: protocol version → plugin name → how to serve and call it. */`,
    `export const pluginSets = {`,
    ...sets,
    `} as const;`,
    `/** The newest protocol version these bindings speak. */`,
    `export const latestProtocolVersion = ${Math.max(0, ...model.pluginSets.map((s) => s.protocolVersion))};`,
    `/** Everything the runtime needs to serve or host a plugin of this protocol. */`,
    `export const protocol = { handshake, pluginSets, latestProtocolVersion } as const;`,
  ]);
  imports.writeTo(source);
  const sources = [
    ...new Set(model.pluginSets.flatMap((s) => s.services.map((x) => `${x.stem}.proto`))),
  ].sort();
  return finishSourceFile(source, {
    generator: "grafana-plugin-ts (glue)",
    sources: ["protocol.config.json", ...sources],
  });
}

function addHandlersInterface(
  source: ReturnType<typeof newSourceFile>,
  imports: ImportSet,
  set: PluginSetModel,
): void {
  source.addInterface({
    name: `PluginHandlersV${set.protocolVersion}`,
    isExported: true,
    docs: [
      docText(
        `What a plugin implements for protocol version ${set.protocolVersion} (${set.packages.join(", ")}).`,
        "Keys are go-plugin plugin names; every service is optional.",
      ),
    ],
    properties: set.services.map((s) => ({
      name: JSON.stringify(s.goPluginName),
      hasQuestionToken: true,
      type: imports.type(`${s.stem}.handlers`, handlerInterfaceName(s)),
    })),
  });
}

function pluginSetLiteral(set: PluginSetModel, imports: ImportSet): string {
  const plugins = set.services.map((s) => {
    const fields = [
      `serviceName: ${JSON.stringify(s.fullName)}`,
      `service: ${imports.value(`${s.stem}.grpc`, serviceSymbols(s).definition)}`,
      `createService: ${imports.value(`${s.stem}.adapters`, adapterFunctionName(s))}`,
      `Client: ${imports.value(`${s.stem}.grpc`, serviceSymbols(s).client)}`,
      `TypedClient: ${imports.value(`${s.stem}.clients`, typedClientName(s))}`,
    ];
    return `${JSON.stringify(s.goPluginName)}: { ${fields.join(", ")} },`;
  });
  return `{ protocolVersion: ${set.protocolVersion}, packages: ${JSON.stringify(set.packages)}, plugins: {\n${plugins.join("\n")}\n} }`;
}
