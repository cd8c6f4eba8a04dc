// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const reactHooks = require('eslint-plugin-react-hooks');
const layering = require('./test/lint/code-layering');

const { CORE_LAYERS, MAIN_LAYERS, IPC_BELOW_SERVICE, CORE_ALLOWED } = require('./test/lint/layers');

const electronBan = {
  paths: [
    {
      name: 'electron',
      message:
        'src-main/core runs under plain Node: take Electron features as an interface from src-main/app.',
    },
  ],
  patterns: [
    { group: ['**/app/*', '**/src-main/app/**'], message: 'core must not depend on the Electron shell.' },
  ],
};
const nodeBan = {
  patterns: [
    {
      group: ['node:*', 'fs', 'path', 'os', 'child_process', 'electron'],
      message: 'this folder must run in a browser/renderer: no Node or Electron.',
    },
    {
      group: ['**/src-main/**', '../src-main/**', '../../src-main/**'],
      message: 'talk to main only through the typed API.',
    },
  ],
};

module.exports = tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'drizzle/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', electronBan] },
  },
  {
    files: ['src-main/**/*.ts'],
    plugins: { 'main-layering': layering },
    rules: { 'main-layering/code-layering': ['error', { root: 'src-main', layers: MAIN_LAYERS }] },
  },
  {
    files: ['src-main/core/**/*.ts'],
    plugins: { 'core-layering': layering },
    rules: {
      'core-layering/code-layering': [
        'error',
        { root: 'src-main/core', layers: CORE_LAYERS, allow: CORE_ALLOWED, restrict: [IPC_BELOW_SERVICE] },
      ],
    },
  },
  {
    files: ['src-shared/**/*.ts', 'src-renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', nodeBan] },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
