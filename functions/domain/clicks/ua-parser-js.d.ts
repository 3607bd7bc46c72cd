// ua-parser-js v1 ships no type declarations; this covers the part the click enrichment uses.
declare module 'ua-parser-js' {
  interface UAParserResult {
    ua: string;
    browser: { name?: string; version?: string; major?: string };
    os: { name?: string; version?: string };
    device: { vendor?: string; model?: string; type?: string };
    engine: { name?: string; version?: string };
    cpu: { architecture?: string };
  }
  class UAParser {
    constructor(ua?: string);
    getResult(): UAParserResult;
  }
  export = UAParser;
}
