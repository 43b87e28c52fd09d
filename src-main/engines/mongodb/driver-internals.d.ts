/** The driver's OP_MSG encoder (internal to the package, which ships no types for it); see raw-document-sequence.ts. */
declare module 'mongodb/lib/cmap/commands.js' {
  export const OpMsgRequest: unknown;
}
