import * as assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/text';

describe('LineIndex', () => {
  const cases: { name: string; text: string; offset: number; line: number; character: number }[] = [
    { name: 'start of text', text: 'a\nb', offset: 0, line: 0, character: 0 },
    { name: 'after LF', text: 'ab\ncd', offset: 3, line: 1, character: 0 },
    { name: 'inside second line', text: 'ab\ncd', offset: 4, line: 1, character: 1 },
    { name: 'CRLF counts as one break', text: 'ab\r\ncd', offset: 4, line: 1, character: 0 },
    { name: 'lone CR breaks a line', text: 'ab\rcd', offset: 3, line: 1, character: 0 },
    { name: 'end of text', text: 'ab\ncd', offset: 5, line: 1, character: 2 },
    { name: 'offset past the end is clamped', text: 'ab', offset: 99, line: 0, character: 2 },
    { name: 'negative offset is clamped', text: 'ab', offset: -5, line: 0, character: 0 },
    { name: 'empty text', text: '', offset: 0, line: 0, character: 0 },
  ];
  for (const testCase of cases) {
    it(`positionAt: ${testCase.name}`, () => {
      assert.deepEqual(new LineIndex(testCase.text).positionAt(testCase.offset), { line: testCase.line, character: testCase.character });
    });
  }

  it('offsetAt inverts positionAt for every offset', () => {
    const text = 'one\r\ntwo\n\nthree\rfour';
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const { line, character } = index.positionAt(offset);
      assert.equal(index.offsetAt(line, character), offset, `offset ${offset}`);
    }
  });

  it('counts lines', () => {
    assert.equal(new LineIndex('a\nb\r\nc').lineCount, 3);
  });
});
