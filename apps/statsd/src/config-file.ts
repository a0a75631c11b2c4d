// Reads a config file: Etsy's JavaScript object literal (parsed with acorn, never evaluated:
// only literals, objects, arrays and unary minus/plus are accepted), JSON or YAML.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { Expression, Node, Options, Property, SpreadElement } from 'acorn';

// Loaded on first use: the daemon's resident size matters more than a few ms at startup.
const require = createRequire(import.meta.url);
const parseJs = (src: string, o: Options) => (require('acorn') as typeof import('acorn')).parse(src, o);
export const parseYaml = (text: string): unknown => (require('yaml') as typeof import('yaml')).parse(text);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function literalValue(node: Expression | SpreadElement | Node, src: string): unknown {
  const where = () => `at ${src.slice(node.start, Math.min(node.end, node.start + 40))}`;
  switch (node.type) {
    case 'Literal': {
      const lit = node as { value: unknown; regex?: unknown; bigint?: string };
      if (lit.regex !== undefined || lit.bigint !== undefined)
        throw new ConfigError(`unsupported literal ${where()}`);
      return lit.value;
    }
    case 'TemplateLiteral': {
      const t = node as unknown as { expressions: unknown[]; quasis: { value: { cooked: string } }[] };
      if (t.expressions.length > 0)
        throw new ConfigError(`template expressions are not evaluated ${where()}`);
      return t.quasis.map((q) => q.value.cooked).join('');
    }
    case 'UnaryExpression': {
      const u = node as unknown as { operator: string; argument: Node };
      const v = literalValue(u.argument, src);
      if (typeof v !== 'number' || (u.operator !== '-' && u.operator !== '+')) {
        throw new ConfigError(`only unary minus/plus on numbers is allowed ${where()}`);
      }
      return u.operator === '-' ? -v : v;
    }
    case 'Identifier': {
      const name = (node as unknown as { name: string }).name;
      if (name === 'undefined') return undefined;
      if (name === 'Infinity') return Infinity;
      if (name === 'NaN') return Number.NaN;
      throw new ConfigError(`identifiers are not evaluated (${name}) ${where()}`);
    }
    case 'ArrayExpression': {
      const a = node as unknown as { elements: (Node | null)[] };
      return a.elements.map((e) => (e === null ? undefined : literalValue(e, src)));
    }
    case 'ObjectExpression': {
      const o = node as unknown as { properties: (Property | SpreadElement)[] };
      const out: Record<string, unknown> = {};
      for (const p of o.properties) {
        if (p.type !== 'Property' || p.computed || p.kind !== 'init' || p.method) {
          throw new ConfigError(`only plain properties are allowed ${where()}`);
        }
        const k = p.key as unknown as { type: string; name?: string; value?: unknown };
        const key = k.type === 'Identifier' ? k.name! : String(k.value);
        Object.defineProperty(out, key, {
          value: literalValue(p.value as Node, src),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new ConfigError(`${node.type} is not allowed in a config file ${where()}`);
  }
}

/** Parses the Etsy config format (`config = <contents>` in Etsy's eval) without evaluating. */
export function parseJsLiteralConfig(text: string): Record<string, unknown> {
  const prefix = 'config = ';
  const src = prefix + text;
  let program: Node;
  try {
    program = parseJs(src, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch (err) {
    throw new ConfigError(`config is not a JavaScript object literal: ${(err as Error).message}`);
  }
  const body = (program as unknown as { body: Node[] }).body.filter((s) => s.type !== 'EmptyStatement');
  const first = body[0] as unknown as { type: string; expression?: { type: string; right: Node } };
  if (
    body.length !== 1 ||
    first.type !== 'ExpressionStatement' ||
    first.expression?.type !== 'AssignmentExpression'
  ) {
    throw new ConfigError('config must be a single object literal');
  }
  const value = literalValue(first.expression.right, src);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('config must be an object');
  }
  return value as Record<string, unknown>;
}

export function parseConfigText(text: string, filename = ''): Record<string, unknown> {
  const ext = extname(filename).toLowerCase();
  let value: unknown;
  if (ext === '.json') value = JSON.parse(text);
  else if (ext === '.yaml' || ext === '.yml') value = parseYaml(text);
  else {
    // Etsy's format is an object literal (optionally after comments); anything else is YAML.
    const body = text.replace(/^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/, '');
    if (body.startsWith('{')) return parseJsLiteralConfig(text);
    value = parseYaml(text);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('config must be an object');
  }
  return value as Record<string, unknown>;
}

export function readConfigFile(path: string): Record<string, unknown> {
  return parseConfigText(readFileSync(path, 'utf8'), path);
}
