import * as assert from 'node:assert/strict';
import { isVariableName, splitShellCommands, wholeWordVariable, wordSpan, wordTextSpan } from '../../src/core/scanners/shellWords';

/** Offset of the `occurrence`-th (0-based) appearance of `needle` in `text`; fails loudly when absent. */
function at(text: string, needle: string, occurrence = 0): number {
  let index = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" (#${occurrence}) not found in test text`);
  }
  return index;
}

/** The words of every command, as plain text. */
function wordsOf(text: string): string[][] {
  return splitShellCommands(text).map((command) => command.words.map((word) => word.text));
}

interface SplitCase {
  readonly name: string;
  readonly text: string;
  readonly expect: string[][];
}

const SPLIT_CASES: readonly SplitCase[] = [
  { name: 'splits one command on blanks', text: 'iptables -A INPUT  -j ACCEPT', expect: [['iptables', '-A', 'INPUT', '-j', 'ACCEPT']] },
  { name: 'ends commands at newlines and drops blank lines', text: 'a 1\n\n\nb 2\n', expect: [['a', '1'], ['b', '2']] },
  { name: 'joins lines continued with a backslash', text: 'iptables -A INPUT \\\n  -p tcp \\\n  --dport 22', expect: [['iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '22']] },
  { name: 'joins a continuation inside a word', text: 'ip\\\ntables -L', expect: [['iptables', '-L']] },
  { name: 'accepts CRLF line endings and continuations', text: 'a \\\r\nb\r\nc\r\n', expect: [['a', 'b'], ['c']] },
  { name: 'drops comments that start a word', text: '# setup\niptables -L # list them\n', expect: [['iptables', '-L']] },
  { name: 'keeps # inside a word', text: 'echo a#b', expect: [['echo', 'a#b']] },
  { name: 'splits on ;, &&, || and |', text: 'a; b && c || d | e', expect: [['a'], ['b'], ['c'], ['d'], ['e']] },
  { name: 'splits on a background &', text: 'a & b', expect: [['a'], ['b']] },
  { name: 'treats parentheses as command boundaries', text: '(cd /tmp && ls)', expect: [['cd', '/tmp'], ['ls']] },
  { name: 'removes single quotes', text: "echo 'a b' c", expect: [['echo', 'a b', 'c']] },
  { name: 'removes double quotes and keeps blanks inside', text: 'echo "a  b"', expect: [['echo', 'a  b']] },
  { name: 'joins adjacent quoted and unquoted parts into one word', text: `echo ab"cd"'ef'gh`, expect: [['echo', 'abcdefgh']] },
  { name: 'keeps a separator inside quotes', text: 'echo "a;b" \'c|d\'', expect: [['echo', 'a;b', 'c|d']] },
  { name: 'resolves backslash escapes outside quotes', text: 'echo a\\ b \\;', expect: [['echo', 'a b', ';']] },
  { name: 'keeps a backslash inside double quotes before ordinary characters', text: 'echo "a\\nb" "\\$x" "\\""', expect: [['echo', 'a\\nb', '$x', '"']] },
  { name: 'keeps a backslash inside single quotes', text: "echo 'a\\b'", expect: [['echo', 'a\\b']] },
  { name: 'decodes $\'…\' quoting', text: "echo $'a\\tb' $'it\\'s'", expect: [['echo', 'a\tb', "it's"]] },
  { name: 'keeps $VAR and ${VAR} verbatim', text: 'echo $HOME ${PORT:-80}', expect: [['echo', '$HOME', '${PORT:-80}']] },
  { name: 'keeps command substitutions as one word', text: 'IPT=$(which iptables) X=`command -v ip6tables`', expect: [['IPT=$(which iptables)', 'X=`command -v ip6tables`']] },
  { name: 'does not end a substitution at a quoted parenthesis', text: 'echo $(printf ")") next', expect: [['echo', '$(printf ")")', 'next']] },
  { name: 'keeps nested substitutions together', text: 'echo $(a $(b c) d) e', expect: [['echo', '$(a $(b c) d)', 'e']] },
  { name: 'drops output redirections and their targets', text: 'iptables -L > /tmp/out 2>&1', expect: [['iptables', '-L']] },
  { name: 'drops input, append and &> redirections', text: 'cmd < in >> log &> all', expect: [['cmd']] },
  { name: 'keeps a word with digits before > when quoted', text: 'echo "2">x', expect: [['echo', '2']] },
  { name: 'drops a here-string target', text: 'cat <<< "text" && ls', expect: [['cat'], ['ls']] },
  { name: 'skips here-document bodies', text: 'cat <<EOF\nnot; a | command\nEOF\nls\n', expect: [['cat'], ['ls']] },
  { name: 'ends a <<- body at a tab-indented delimiter', text: 'cat <<-END\n\tbody\n\tEND\nls', expect: [['cat'], ['ls']] },
  { name: 'runs an unterminated quote to the end of input', text: 'echo "open\nstill open', expect: [['echo', 'open\nstill open']] },
  { name: 'handles an empty script', text: '', expect: [] },
  { name: 'handles a script of comments only', text: '#!/bin/sh\n# nothing\n', expect: [] },
];

describe('shellWords: splitting commands into words', () => {
  for (const testCase of SPLIT_CASES) {
    it(testCase.name, () => {
      assert.deepEqual(wordsOf(testCase.text), testCase.expect);
    });
  }
});

interface SpanCase {
  readonly name: string;
  readonly text: string;
  /** Which command and word to look at. */
  readonly command: number;
  readonly word: number;
  readonly expect: { readonly start: number; readonly end: number; readonly textStart: number; readonly textEnd: number };
}

const spanText1 = 'iptables --dport "8080"';
const spanText2 = "a x'80'y";
const spanText3 = 'a \\\n  22';
const spanText4 = 'a 80\\\n80';

const SPAN_CASES: readonly SpanCase[] = [
  {
    name: 'covers the quotes with start/end and the content with wordTextSpan',
    text: spanText1,
    command: 0,
    word: 2,
    expect: { start: at(spanText1, '"8080"'), end: at(spanText1, '"8080"') + 6, textStart: at(spanText1, '8080'), textEnd: at(spanText1, '8080') + 4 },
  },
  {
    name: 'maps a word mixing quoted and unquoted parts',
    text: spanText2,
    command: 0,
    word: 1,
    expect: { start: at(spanText2, 'x'), end: spanText2.length, textStart: at(spanText2, 'x'), textEnd: spanText2.length },
  },
  {
    name: 'starts a word after a continuation at its first character',
    text: spanText3,
    command: 0,
    word: 1,
    expect: { start: at(spanText3, '22'), end: at(spanText3, '22') + 2, textStart: at(spanText3, '22'), textEnd: at(spanText3, '22') + 2 },
  },
  {
    name: 'spans a word split by a continuation across lines',
    text: spanText4,
    command: 0,
    word: 1,
    expect: { start: at(spanText4, '80'), end: spanText4.length, textStart: at(spanText4, '80'), textEnd: spanText4.length },
  },
];

describe('shellWords: word offsets', () => {
  for (const testCase of SPAN_CASES) {
    it(testCase.name, () => {
      const word = splitShellCommands(testCase.text)[testCase.command].words[testCase.word];
      const textSpan = wordTextSpan(word);
      assert.deepEqual(
        { start: word.start, end: word.end, textStart: textSpan.start, textEnd: textSpan.end },
        testCase.expect,
      );
    });
  }

  it('maps each character of a quoted word back to the source', () => {
    const text = `echo 'ab'"cd"`;
    const [word] = splitShellCommands(text)[0].words.slice(1);
    assert.equal(word.text, 'abcd');
    assert.deepEqual(wordSpan(word, 1, 3), { start: at(text, 'b'), end: at(text, 'cd') + 1 });
  });

  it('maps a slice of an unquoted word by plain arithmetic', () => {
    const text = 'x --dport=2222';
    const word = splitShellCommands(text)[0].words[1];
    assert.equal(word.offsets, undefined);
    assert.deepEqual(wordSpan(word, 8), { start: at(text, '2222'), end: text.length });
  });
});

describe('shellWords: word and command details', () => {
  it('records what ended each command', () => {
    const separators = splitShellCommands('a; b && c || d | e & f\ng').map((command) => command.separator);
    assert.deepEqual(separators, [';', '&&', '||', '|', '&', '\n', '']);
  });

  it('flags expansions, quoting and unterminated quotes', () => {
    const words = splitShellCommands('x $A "b" \'c d').flatMap((command) => command.words);
    assert.deepEqual(
      words.map((word) => ({ text: word.text, quoted: word.quoted, hasExpansion: word.hasExpansion, unterminated: word.unterminated })),
      [
        { text: 'x', quoted: false, hasExpansion: false, unterminated: false },
        { text: '$A', quoted: false, hasExpansion: true, unterminated: false },
        { text: 'b', quoted: true, hasExpansion: false, unterminated: false },
        { text: 'c d', quoted: true, hasExpansion: false, unterminated: true },
      ],
    );
  });

  it('does not treat $ inside single quotes as an expansion', () => {
    const [word] = splitShellCommands("echo '$HOME'")[0].words.slice(1);
    assert.equal(word.hasExpansion, false);
  });

  it('attaches a here-document body to its command', () => {
    const text = 'iptables-restore <<EOF\n*filter\n-A INPUT -j ACCEPT\nCOMMIT\nEOF\necho done\n';
    const [restore, echo] = splitShellCommands(text);
    assert.equal(restore.heredocs.length, 1);
    const heredoc = restore.heredocs[0];
    assert.deepEqual(
      { delimiter: heredoc.delimiter, literal: heredoc.literal, terminated: heredoc.terminated, body: text.slice(heredoc.body.start, heredoc.body.end) },
      { delimiter: 'EOF', literal: false, terminated: true, body: '*filter\n-A INPUT -j ACCEPT\nCOMMIT\n' },
    );
    assert.deepEqual(echo.words.map((word) => word.text), ['echo', 'done']);
  });

  it('marks a quoted here-document delimiter as literal', () => {
    const [command] = splitShellCommands("cat <<'END' | sh\n$X\nEND\n");
    assert.equal(command.heredocs[0].literal, true);
    assert.equal(command.heredocs[0].delimiter, 'END');
  });

  it('runs an unterminated here-document to the end of input', () => {
    const text = 'cat <<EOF\nline\n';
    const heredoc = splitShellCommands(text)[0].heredocs[0];
    assert.deepEqual({ terminated: heredoc.terminated, body: text.slice(heredoc.body.start, heredoc.body.end) }, { terminated: false, body: 'line\n' });
  });

  it('reads two here-documents opened on one line in order', () => {
    const text = 'cmd <<A <<B\na-body\nA\nb-body\nB\n';
    const bodies = splitShellCommands(text)[0].heredocs.map((heredoc) => text.slice(heredoc.body.start, heredoc.body.end));
    assert.deepEqual(bodies, ['a-body\n', 'b-body\n']);
  });
});

describe('shellWords: variable helpers', () => {
  const cases: readonly { name: string; text: string; expect: string | undefined }[] = [
    { name: 'reads $NAME', text: '$PORT', expect: 'PORT' },
    { name: 'reads ${NAME}', text: '${SSH_PORT}', expect: 'SSH_PORT' },
    { name: 'rejects a default-value expansion', text: '${PORT:-22}', expect: undefined },
    { name: 'rejects text around the variable', text: '$PORT/tcp', expect: undefined },
    { name: 'rejects a positional parameter', text: '$1', expect: undefined },
    { name: 'rejects an unclosed brace', text: '${PORT', expect: undefined },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.equal(wholeWordVariable(testCase.text), testCase.expect);
    });
  }

  it('accepts and rejects variable names like the shell', () => {
    assert.deepEqual(['IPT', '_x1', '1x', 'a-b', ''].map(isVariableName), [true, true, false, false, false]);
  });
});
