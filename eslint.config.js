// ESLint: typescript-eslint's type-aware recommended rules over the TypeScript sources, ESLint's
// recommended rules over everything. A rule that does not fit this code is set here, with its
// reason, never disabled inline in the sources.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".cache/", "site/", "demo-site/", "test/artifacts/"] },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            // node:test awaits the promises test() and describe() return; Pulumi's engine delivers log lines and takes the mocks.
            { from: "package", package: "node:test", name: ["test", "describe", "it", "suite", "before", "after", "beforeEach", "afterEach"] },
            { from: "package", package: "@pulumi/pulumi", name: ["debug", "info", "warn", "error", "setMocks"] },
          ],
        },
      ],
      // An aborted operation rejects with its AbortSignal's reason, which is typed any.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true }],
      // Interfaces that return promises (Pulumi's dynamic providers, the gate's GitHub client, test fakes) are met by async methods that need no await.
      "@typescript-eslint/require-await": "off",
      // Its findings are String() of values typed unknown (JSON, YAML, provider inputs) for a message; restrict-template-expressions still guards templates.
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
  {
    rules: {
      // File names, header values and metadata text are checked for control characters on purpose.
      "no-control-regex": "off",
      // Errors here say their cause's message in their own text, which is what a user reads; a `cause` would print it twice.
      "preserve-caught-error": "off",
      // Its findings are a defensive value set before a try/catch that sets it again, which reads clearer than none.
      "no-useless-assignment": "off",
    },
  },
  {
    // The ES5 scripts (the catalog's, CloudFront Functions') need a name in `catch`; `{ omitted, ...rest }` leaves a key out.
    files: ["**/*.js", "**/*.mjs"],
    rules: { "no-unused-vars": ["error", { caughtErrors: "none", ignoreRestSiblings: true }] },
  },
  {
    files: ["**/*.ts"],
    rules: { "@typescript-eslint/no-unused-vars": ["error", { caughtErrors: "none", ignoreRestSiblings: true }] },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["generator/catalog/assets/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
);
