// @ts-check
// ESLint rule `layering/code-layering`, modeled on VS Code's `code-layering` rule: the folders of a
// tree are given as ordered layers, and a file may import only from its own folder or from a
// layer below it. Folders listed together in one layer are peers and may not import each other.
// A import that goes up (or sideways) is reported at the import with both layers named.
const path = require('node:path');

/**
 * @typedef {{ root: string, layers: (string | string[])[], allow?: { from: string, to: string, reason: string }[], restrict?: { from: string[], pattern: string, message: string }[] }} LayeringOptions
 */

/** @param {string} name a folder, or a file name with or without .ts */
function unit(name) {
  return name.replace(/\.(ts|tsx|js|cjs|mjs)$/, '');
}

/** @type {import('eslint').Rule.RuleModule} */
const codeLayering = {
  meta: {
    type: 'problem',
    docs: { description: 'imports inside a tree go only to its own folder or a lower layer' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layers: {
            type: 'array',
            items: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          },
          allow: {
            type: 'array',
            items: {
              type: 'object',
              properties: { from: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string' } },
              required: ['from', 'to', 'reason'],
            },
          },
          restrict: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                from: { type: 'array', items: { type: 'string' } },
                pattern: { type: 'string' },
                message: { type: 'string' },
              },
              required: ['from', 'pattern', 'message'],
            },
          },
        },
        required: ['root', 'layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        "'{{from}}' is in layer {{fromRank}} ({{fromLayer}}) and may not import '{{to}}' from the higher layer {{toRank}} ({{toLayer}}): move the shared part down.",
      sideways:
        "'{{from}}' and '{{to}}' are peers in one layer ({{fromLayer}}) and may not import each other: move the shared part down.",
      unlisted: "'{{name}}' under {{root}} is in no layer: add it to the layering rule's list.",
      restricted: '{{message}}',
    },
  },
  create(context) {
    /** @type {LayeringOptions} */
    const options = context.options[0];
    const cwd = context.cwd ?? process.cwd();
    const root = path.resolve(cwd, options.root);
    /** @type {Map<string, number>} */
    const rank = new Map();
    options.layers.forEach((layer, i) => {
      for (const name of Array.isArray(layer) ? layer : [layer]) rank.set(unit(name), i);
    });
    const layerName = (/** @type {number} */ i) => [options.layers[i]].flat().join(' / ');

    const file = path.resolve(cwd, context.filename);
    const relFile = path.relative(root, file);
    if (relFile.startsWith('..') || path.isAbsolute(relFile)) return {};
    const own = unit(relFile.split(path.sep)[0] ?? '');
    const ownRank = rank.get(own);
    const allowed = new Set(
      (options.allow ?? [])
        .filter((a) => a.from === relFile.split(path.sep).join('/'))
        .map((a) => unit(a.to)),
    );
    const restrictions = (options.restrict ?? [])
      .filter((r) => r.from.includes(own))
      .map((r) => ({ ...r, regex: new RegExp(r.pattern) }));

    /** @param {import('estree').Node} node @param {unknown} source */
    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      for (const r of restrictions) {
        if (r.regex.test(path.relative(cwd, target).split(path.sep).join('/')))
          context.report({ node, messageId: 'restricted', data: { message: r.message } });
      }
      const relTarget = path.relative(root, target);
      if (relTarget.startsWith('..') || path.isAbsolute(relTarget)) return;
      const to = unit(relTarget.split(path.sep)[0] ?? '');
      if (to === own || allowed.has(to)) return;
      const toRank = rank.get(to);
      if (ownRank === undefined || toRank === undefined) {
        context.report({
          node,
          messageId: 'unlisted',
          data: { name: ownRank === undefined ? own : to, root: options.root },
        });
        return;
      }
      const data = {
        from: own,
        to,
        fromRank: String(ownRank),
        toRank: String(toRank),
        fromLayer: layerName(ownRank),
        toLayer: layerName(toRank),
      };
      if (toRank > ownRank) context.report({ node, messageId: 'upward', data });
      else if (toRank === ownRank) context.report({ node, messageId: 'sideways', data });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        const arg = node.arguments[0];
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && arg?.type === 'Literal')
          check(node, arg.value);
      },
    };
  },
};

module.exports = { rules: { 'code-layering': codeLayering } };
