// ESLint keeps the frontend's fences (bulletproof-react's rule): a feature is reached only
// through its public index (src/features/X/index.ts), never its internals, and features
// depend on each other in one direction only, so there are no cycles. The app layer
// (src/app: routes and the pages that compose several features) may use every feature.
// Allowed feature dependencies are listed here; anything else is an error.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** feature -> the features it may import (through their index). */
const allowed = {
  stacks: [],
  system: [],
  templates: ['stacks'],
  plans: ['stacks', 'secrets'],
  secrets: ['stacks'],
  graph: ['stacks'],
  instances: ['stacks', 'templates', 'graph'],
  transfer: ['stacks'],
};

const features = Object.keys(allowed);

const deepImport = {
  group: ['@/features/*/**'],
  message: 'Import another feature through its public index (@/features/NAME), not its internals.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'wailsjs/**', 'node_modules/**', 'coverage/**'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepImport] }],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  ...features.map((feature) => ({
    files: [`src/features/${feature}/**/*.{ts,tsx}`],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Deep imports of other features; the feature's own files use relative paths or @/features/SELF/...
              group: ['@/features/*/**', `!@/features/${feature}/**`],
              message: 'Import another feature through its public index (@/features/NAME), not its internals.',
            },
            ...features
              .filter((other) => other !== feature && !allowed[feature].includes(other))
              .map((other) => ({
                group: [`@/features/${other}`, `@/features/${other}/**`],
                message: `The ${feature} feature may not depend on ${other} (allowed: ${allowed[feature].join(', ') || 'none'}; eslint.config.js). Compose them in src/app instead.`,
              })),
            {
              group: ['@/app/*', '!@/app/routes'],
              message: 'Features may use @/app/routes only; pages that compose features live in src/app.',
            },
          ],
        },
      ],
    },
  })),
  {
    // Tests may reach a feature's internals and the app's pages to set a scene.
    files: ['src/**/*.test.{ts,tsx}', 'src/test/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
