/** Stylesheets imported for esbuild to bundle into `app-[hash].css`. */
declare module '*.css';
