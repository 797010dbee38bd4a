// The rule that keeps hand-written code immune to additive protocol change,
// as a check over a TypeScript program: code outside output/ must not
// (1) build an object literal that spells out a protocol message — any
//     literal whose type has required properties declared by a generated
//     message, without a spread to supply the rest (use X.create(),
//     X.fromPartial() or return DeepPartial<X>), nor a Record keyed by a
//     protocol enum (a new enum value would make it incomplete);
// (2) switch over a protocol enum without a `default` clause.
// A new field or enum value then never breaks hand-written code.

import path from "node:path";
import ts from "typescript";

export interface Finding {
  file: string;
  line: number;
  message: string;
}

/** A generated ts-proto message file: output/**\/<stem>.ts (not our .grpc/.handlers/… files). */
export function isMessageFile(fileName: string, outputDir: string): boolean {
  const rel = path.relative(outputDir, fileName);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return false;
  if (rel === "glue.ts" || rel === "rpc-support.ts") return false;
  return !/\.(grpc|handlers|adapters|clients)\.ts$/.test(rel);
}

export function checkProtocolUsage(
  program: ts.Program,
  outputDir: string,
  include: (fileName: string) => boolean,
): Finding[] {
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  const declaredInMessages = (decls: readonly ts.Declaration[] | undefined) =>
    (decls ?? []).some((d) => isMessageFile(d.getSourceFile().fileName, outputDir));
  const protocolEnum = (type: ts.Type): string | undefined => {
    const parts = type.isUnion() ? type.types : [type];
    for (const part of parts) {
      const symbol = part.getSymbol() ?? part.aliasSymbol;
      if (!symbol || !(part.flags & (ts.TypeFlags.EnumLike | ts.TypeFlags.EnumLiteral))) continue;
      const decls = symbol.declarations ?? [];
      const enumDecl =
        decls.find(ts.isEnumDeclaration) ??
        decls.map((d) => d.parent).find((p) => p && ts.isEnumDeclaration(p));
      if (enumDecl && declaredInMessages([enumDecl]))
        return (enumDecl as ts.EnumDeclaration).name.text;
    }
    return undefined;
  };

  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || !include(source.fileName)) continue;
    const report = (node: ts.Node, message: string) =>
      findings.push({
        file: source.fileName,
        line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
        message,
      });
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) checkLiteral(node, report);
      if (ts.isSwitchStatement(node)) {
        const name = protocolEnum(checker.getTypeAtLocation(node.expression));
        if (name && !node.caseBlock.clauses.some(ts.isDefaultClause))
          report(node, `switch over protocol enum ${name} without a default clause`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return findings;

  function checkLiteral(node: ts.ObjectLiteralExpression, report: (n: ts.Node, m: string) => void) {
    const contextual = checker.getContextualType(node);
    if (!contextual) return;
    const type = checker.getNonNullableType(contextual);
    if (type.isUnion()) return;
    const keyEnum = type.aliasSymbol?.name === "Record" ? type.aliasTypeArguments?.[0] : undefined;
    if (keyEnum) {
      const name = protocolEnum(keyEnum);
      if (name) {
        report(
          node,
          `object literal keyed by every value of protocol enum ${name}: handle unknown values instead`,
        );
        return;
      }
    }
    if (node.properties.some(ts.isSpreadAssignment)) return;
    const required = checker
      .getPropertiesOfType(type)
      .filter((p) => !(p.flags & ts.SymbolFlags.Optional) && declaredInMessages(p.declarations));
    if (required.length === 0) return;
    report(
      node,
      `object literal of ${checker.typeToString(type)} spells out protocol message fields (${required
        .slice(0, 4)
        .map((p) => p.name)
        .join(
          ", ",
        )}${required.length > 4 ? ", …" : ""}): build it with the generated create()/fromPartial(), or return a DeepPartial`,
    );
  }
}
