// Lint rules run by `npm test` (npm run lint): ESLint's and typescript-eslint's recommended sets. `any` is refused
// in the server's code; tests and scripts may use it for JSON-RPC payloads.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'test/fixtures/**', 'clients/vscode/out/**', '.bench/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['test/**', 'scripts/**', 'clients/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
