/** A file of `data/` as text, bundled into the web extension by `esbuild.js`. */
declare module 'port-lens-data:*' {
  const text: string;
  export default text;
}
