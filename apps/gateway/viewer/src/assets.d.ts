/** esbuild bundles the CSS that main.ts imports into its own file. */
declare module '*.css';
