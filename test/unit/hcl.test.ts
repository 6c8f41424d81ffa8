import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_HCL_DEPTH, MAX_HCL_PROBLEMS, parseHcl, parseHclTakingBlocks, tokenizeHcl, TOKEN } from '../../src/core/scanners/hcl';
import type { HclAttribute, HclBlock, HclBody, HclExpression } from '../../src/core/scanners/hcl';
import type { SourceRange } from '../../src/core/types';
import { at } from './textSpans';

/** The range of the `occurrence`-th `needle` in `text`. */
function slice(text: string, range: SourceRange): string {
  return text.slice(range.start, range.end);
}

/** Parses text that must be free of syntax errors. */
function parseClean(text: string): HclBody {
  const { body, problems } = parseHcl(text);
  assert.deepEqual(problems, [], 'no problems');
  return body;
}

function attributeOf(body: HclBody, name: string): HclAttribute {
  const found = body.attributes.find((attribute) => attribute.name === name);
  assert.ok(found, `attribute ${name}`);
  return found;
}

function valueOf(text: string, name = 'a'): HclExpression {
  return attributeOf(parseClean(text), name).value;
}

function problemsOf(text: string): { text: string; message: string; severity: string; code: string }[] {
  return parseHcl(text).problems.map((problem) => ({ text: slice(text, problem.range), message: problem.message, severity: problem.severity, code: problem.code }));
}

/** Every range in a parse, labelled, checked to lie inside the text and inside its parent, siblings in order. */
function checkRanges(text: string, body: HclBody, parent: SourceRange = { start: 0, end: text.length }): void {
  const inside = (range: SourceRange, outer: SourceRange, label: string): void => {
    assert.ok(range.start >= 0 && range.start <= range.end && range.end <= text.length, `${label} [${range.start}, ${range.end}) inside the text of ${text.length}`);
    assert.ok(range.start >= outer.start && range.end <= outer.end, `${label} [${range.start}, ${range.end}) inside [${outer.start}, ${outer.end})`);
  };
  const ordered = (ranges: readonly SourceRange[], label: string): void => {
    for (let i = 1; i < ranges.length; i++) {
      assert.ok(ranges[i - 1].end <= ranges[i].start, `${label} ${i - 1} ends before ${i} starts`);
    }
  };
  const expression = (value: HclExpression, outer: SourceRange): void => {
    inside(value.range, outer, value.kind);
    if (value.kind === 'tuple') {
      ordered(value.items.map((item) => item.range), 'tuple items');
      value.items.forEach((item) => expression(item, value.range));
    } else if (value.kind === 'object') {
      for (const entry of value.entries) {
        inside(entry.keyRange, value.range, 'object key');
        expression(entry.value, value.range);
        assert.ok(entry.keyRange.end <= entry.value.range.start, 'key before value');
      }
    } else if (value.kind === 'call') {
      ordered(value.args.map((arg) => arg.range), 'arguments');
      value.args.forEach((arg) => expression(arg, value.range));
    } else if (value.kind === 'string') {
      inside(value.contentRange, value.range, 'string content');
      if (value.interpolation) {
        expression(value.interpolation, value.range);
      }
    }
  };
  ordered(body.attributes.map((attribute) => attribute.range), 'attributes');
  ordered(body.blocks.map((block) => block.range), 'blocks');
  for (const attribute of body.attributes) {
    inside(attribute.range, parent, `attribute ${attribute.name}`);
    inside(attribute.nameRange, attribute.range, 'attribute name');
    expression(attribute.value, attribute.range);
  }
  for (const block of body.blocks) {
    inside(block.range, parent, `block ${block.type}`);
    inside(block.typeRange, block.range, 'block type');
    block.labels.forEach((label) => inside(label.range, block.range, 'label'));
    checkRanges(text, block.body, block.range);
  }
}

describe('HCL parser', () => {
  describe('bodies', () => {
    it('reads attributes and blocks in source order with exact ranges', () => {
      const text = 'region = "eu"\nresource "aws_security_group" "web" {\n  name = "web"\n  ingress {\n    from_port = 22\n  }\n}\ncount = 2\n';
      const body = parseClean(text);
      assert.deepEqual(body.attributes.map((attribute) => attribute.name), ['region', 'count']);
      const [resource] = body.blocks;
      assert.equal(resource.type, 'resource');
      assert.deepEqual(resource.typeRange, at(text, 'resource'));
      assert.deepEqual(resource.labels, [
        { value: 'aws_security_group', range: at(text, '"aws_security_group"') },
        { value: 'web', range: at(text, '"web"') },
      ]);
      assert.deepEqual(resource.range, { start: at(text, 'resource').start, end: at(text, '}\ncount').start + 1 });
      const name = attributeOf(resource.body, 'name');
      assert.deepEqual(name.nameRange, at(text, 'name'));
      assert.deepEqual(name.range, { start: at(text, 'name').start, end: at(text, '"web"', 1).end });
      const ingress = resource.body.blocks[0];
      assert.equal(ingress.type, 'ingress');
      assert.deepEqual(ingress.labels, []);
      const port = attributeOf(ingress.body, 'from_port');
      assert.deepEqual(port.value, { kind: 'number', value: 22, range: at(text, '22') });
    });

    it('reads unquoted block labels and one-line blocks', () => {
      const text = 'provider aws { region = "eu" }\nempty {}\n';
      const [provider, empty] = parseClean(text).blocks;
      assert.deepEqual(provider.labels, [{ value: 'aws', range: at(text, 'aws') }]);
      assert.equal(attributeOf(provider.body, 'region').value.kind, 'string');
      assert.deepEqual(empty.body, { attributes: [], blocks: [] });
    });

    it('hands each top-level block on in file order, and leaves the ones taken out of the body', () => {
      const text = 'a = 1\nvariable "x" {\n  nested {\n  }\n}\nresource "r" "n" {}\nlocals { c = 2 }\n';
      const seen: HclBlock[] = [];
      const { body, problems, complete } = parseHclTakingBlocks(text, (block) => {
        seen.push(block);
        return block.type !== 'resource';
      });
      assert.deepEqual(problems, []);
      assert.equal(complete, true);
      assert.deepEqual(seen.map((block) => block.type), ['variable', 'resource', 'locals']);
      assert.deepEqual(seen.map((block) => block.range), [
        { start: at(text, 'variable').start, end: at(text, '}\nresource').start + 1 },
        { start: at(text, 'resource').start, end: at(text, '{}').end },
        { start: at(text, 'locals').start, end: at(text, '2 }').end },
      ]);
      assert.deepEqual(body.attributes.map((attribute) => attribute.name), ['a']);
      assert.deepEqual(body.blocks, [seen[1]]);
      assert.deepEqual({ body: { attributes: body.attributes, blocks: seen }, problems }, parseHcl(text));
    });

    it('accepts CRLF line breaks, a byte order mark and a last line without a break', () => {
      const text = '\uFEFFa = 1\r\nb {\r\n  c = 2\r\n}\r\nd = 3';
      const body = parseClean(text);
      assert.deepEqual(body.attributes.map((attribute) => attribute.name), ['a', 'd']);
      assert.deepEqual(attributeOf(body.blocks[0].body, 'c').value.range, at(text, '2'));
    });
  });

  describe('comments', () => {
    it('skips #, // and /* */ comments, keeping the line break after a line comment', () => {
      const text = '# heading\na = 1 # trailing\n// another\nb = 2 // trailing\n/* block\n   comment */ c = 3\nd = /* inline */ 4\n';
      const body = parseClean(text);
      assert.deepEqual(
        body.attributes.map((attribute) => [attribute.name, attribute.value.kind === 'number' ? attribute.value.value : undefined]),
        [['a', 1], ['b', 2], ['c', 3], ['d', 4]],
      );
      assert.deepEqual(attributeOf(body, 'd').value.range, at(text, '4'));
    });

    it('does not read comment markers inside strings', () => {
      assert.deepEqual(valueOf('a = "http://x # y /* z"\n'), { kind: 'string', value: 'http://x # y /* z', range: { start: 4, end: 23 }, contentRange: { start: 5, end: 22 } });
    });
  });

  describe('literals', () => {
    it('reads numbers: integers, decimals, exponents and negative literals', () => {
      const text = 'a = 22\nb = 1.5\nc = 1e3\nd = -1\ne = - 7\n';
      const body = parseClean(text);
      assert.deepEqual(attributeOf(body, 'a').value, { kind: 'number', value: 22, range: at(text, '22') });
      assert.deepEqual(attributeOf(body, 'b').value, { kind: 'number', value: 1.5, range: at(text, '1.5') });
      assert.deepEqual(attributeOf(body, 'c').value, { kind: 'number', value: 1000, range: at(text, '1e3') });
      assert.deepEqual(attributeOf(body, 'd').value, { kind: 'number', value: -1, range: at(text, '-1') });
      assert.deepEqual(attributeOf(body, 'e').value, { kind: 'number', value: -7, range: at(text, '- 7') });
    });

    it('reads true, false and null', () => {
      const text = 'a = true\nb = false\nc = null\n';
      const body = parseClean(text);
      assert.deepEqual(attributeOf(body, 'a').value, { kind: 'bool', value: true, range: at(text, 'true') });
      assert.deepEqual(attributeOf(body, 'b').value, { kind: 'bool', value: false, range: at(text, 'false') });
      assert.deepEqual(attributeOf(body, 'c').value, { kind: 'null', range: at(text, 'null') });
    });
  });

  describe('strings and templates', () => {
    it('decodes escapes and keeps the range inside the quotes', () => {
      const text = 'a = "tab\\there \\"q\\" \\\\ \\u00e9 \\U0001F600 $${lit} %%{lit}"\n';
      const value = valueOf(text);
      assert.equal(value.kind, 'string');
      assert.equal(value.kind === 'string' && value.value, 'tab\there "q" \\ é 😀 ${lit} %{lit}');
      assert.deepEqual(value.range, { start: 4, end: text.length - 1 });
      assert.deepEqual(value.kind === 'string' && value.contentRange, { start: 5, end: text.length - 2 });
    });

    it('reads a template that is exactly one interpolation as that expression', () => {
      const text = 'a = "${var.port}"\n';
      const value = valueOf(text);
      assert.deepEqual(value, {
        kind: 'string',
        range: at(text, '"${var.port}"'),
        contentRange: at(text, '${var.port}'),
        interpolation: { kind: 'traversal', path: ['var', 'port'], range: at(text, 'var.port') },
      });
    });

    it('keeps neither a value nor an interpolation for templates mixing text, interpolations and directives', () => {
      for (const text of ['a = "web-${var.env}"\n', 'a = "${var.a}${var.b}"\n', 'a = "%{ if var.x }on%{ endif }"\n', 'a = "${~ var.x ~}"\n']) {
        const value = valueOf(text);
        assert.equal(value.kind, 'string', text);
        if (value.kind === 'string' && text.includes('~')) {
          assert.deepEqual(value.interpolation?.kind, 'traversal');
        } else {
          assert.equal(value.kind === 'string' && (value.value ?? value.interpolation), undefined, text);
        }
      }
    });

    it('reads nested braces and nested strings inside interpolations', () => {
      const text = 'a = "${merge({ k = "}" }, { "${x}" = "{" })}"\nb = 2\n';
      const body = parseClean(text);
      const value = attributeOf(body, 'a').value;
      assert.equal(value.kind === 'string' && value.interpolation?.kind, 'call');
      assert.equal(value.kind === 'string' && value.interpolation?.kind === 'call' && value.interpolation.args.length, 2);
      assert.deepEqual(attributeOf(body, 'b').value.range, at(text, '2'));
    });

    it('reads heredocs, with their content between the marker lines', () => {
      const text = 'a = <<EOF\nline one\n  ${not_closing} EOF\nEOF\nb = 2\n';
      const body = parseClean(text);
      const value = attributeOf(body, 'a').value;
      assert.equal(value.kind, 'string');
      assert.equal(value.kind === 'string' && value.heredoc, true);
      assert.deepEqual(value.range, { start: at(text, '<<EOF').start, end: at(text, '\nEOF\n').start + 4 });
      assert.deepEqual(value.kind === 'string' && value.contentRange, { start: at(text, 'line one').start, end: at(text, '\nEOF\n').start + 1 });
      assert.equal(attributeOf(body, 'b').value.kind, 'number');
    });

    it('strips the shared indentation of an indented heredoc and accepts an indented closing marker', () => {
      const text = 'a = <<-EOT\n    first\n      second\n    EOT\nb = <<EOT\nplain $${x}\nEOT\n';
      const body = parseClean(text);
      const first = attributeOf(body, 'a').value;
      assert.equal(first.kind === 'string' && first.value, 'first\n  second\n');
      const second = attributeOf(body, 'b').value;
      assert.equal(second.kind === 'string' && second.value, 'plain ${x}\n');
    });

    it('reads a heredoc with CRLF line breaks', () => {
      const text = 'a = <<EOF\r\nhello\r\nEOF\r\nb = 1\r\n';
      const body = parseClean(text);
      assert.equal(body.attributes.length, 2);
    });
  });

  describe('collections', () => {
    it('reads multi-line lists with a trailing comma and nested lists', () => {
      const text = 'a = [\n  22,\n  "80",\n  [1, 2],\n]\n';
      const value = valueOf(text);
      assert.equal(value.kind, 'tuple');
      if (value.kind === 'tuple') {
        assert.deepEqual(value.range, { start: 4, end: text.length - 1 });
        assert.deepEqual(value.items.map((item) => slice(text, item.range)), ['22', '"80"', '[1, 2]']);
      }
    });

    it('reads objects with = or :, commas or line breaks, and quoted, bare and parenthesised keys', () => {
      const text = 'a = {\n  ssh = 22\n  "web": 80, https = 443,\n  (var.k) = 1\n}\n';
      const value = valueOf(text);
      assert.equal(value.kind, 'object');
      if (value.kind === 'object') {
        assert.deepEqual(
          value.entries.map((entry) => [entry.key, slice(text, entry.keyRange), slice(text, entry.value.range)]),
          [['ssh', 'ssh', '22'], ['web', '"web"', '80'], ['https', 'https', '443'], [undefined, '(var.k)', '1']],
        );
      }
    });

    it('reads an empty list and an empty object', () => {
      assert.deepEqual(valueOf('a = []\n'), { kind: 'tuple', items: [], range: { start: 4, end: 6 } });
      assert.deepEqual(valueOf('a = {}\n'), { kind: 'object', entries: [], range: { start: 4, end: 6 } });
    });
  });

  describe('references, calls and other expressions', () => {
    it('reads traversals with attribute and index steps', () => {
      const cases: [string, (string | number)[]][] = [
        ['var.x', ['var', 'x']],
        ['local.ports[0]', ['local', 'ports', 0]],
        ['each.value.port', ['each', 'value', 'port']],
        ['aws_security_group.web.id', ['aws_security_group', 'web', 'id']],
        ['local.m["ssh"]', ['local', 'm', 'ssh']],
        ['var.list.1', ['var', 'list', 1]],
      ];
      for (const [written, path] of cases) {
        const text = `a = ${written}\n`;
        assert.deepEqual(valueOf(text), { kind: 'traversal', path, range: at(text, written) }, written);
      }
    });

    it('reads function calls, provider functions and argument expansion', () => {
      const text = 'a = lookup(var.m, "k",\n  22)\nb = provider::aws::arn_parse(x)\nc = concat(local.a...)\n';
      const body = parseClean(text);
      const call = attributeOf(body, 'a').value;
      assert.equal(call.kind === 'call' && call.name, 'lookup');
      assert.deepEqual(call.kind === 'call' && call.args.map((arg) => slice(text, arg.range)), ['var.m', '"k"', '22']);
      assert.deepEqual(call.range, { start: at(text, 'lookup').start, end: at(text, '22)').end });
      const provider = attributeOf(body, 'b').value;
      assert.equal(provider.kind === 'call' && provider.name, 'provider::aws::arn_parse');
      assert.equal(attributeOf(body, 'c').value.kind, 'call');
    });

    it('reads conditionals, operators, for-expressions, splats and parentheses as other, with their range', () => {
      const cases = [
        'var.x ? 22 : 80',
        'var.port + 1',
        '!var.enabled',
        '[for p in local.ports : p if p > 0]',
        '{ for k, v in local.m : k => v }',
        'aws_instance.web[*].id',
        'aws_instance.web.*.id',
        '(22)',
        '1 + 2 * 3 == 7 && true || false',
      ];
      for (const written of cases) {
        const text = `a = ${written}\nb = 1\n`;
        const body = parseClean(text);
        assert.deepEqual(attributeOf(body, 'a').value, { kind: 'other', range: at(text, written) }, written);
        assert.equal(body.attributes.length, 2, written);
      }
    });
  });

  describe('syntax errors', () => {
    it('reports a missing value at the line break and reads the next line', () => {
      const text = 'a =\nb = 2\n';
      assert.deepEqual(problemsOf(text), [{ text: '\n', message: 'Expected a value, found a line break', severity: 'error', code: 'parse-error' }]);
      assert.deepEqual(parseHcl(text).body.attributes.map((attribute) => attribute.name), ['a', 'b']);
    });

    it('reports an unterminated string up to the end of its line and reads the rest', () => {
      const text = 'resource "x" "y" {\n  a = "open\n  b = 2\n}\n';
      assert.deepEqual(problemsOf(text), [{ text: '"open', message: 'This string is never closed: add the closing " before the end of the line', severity: 'error', code: 'parse-error' }]);
      assert.deepEqual(parseHcl(text).body.blocks[0].body.attributes.map((attribute) => attribute.name), ['a', 'b']);
    });

    it('reports what follows a value on its line, skips the line and goes on', () => {
      const text = 'a = 1 2\nb = [1 2]\nc = { x = 1 y = 2 }\nd = 4\n';
      assert.deepEqual(
        problemsOf(text).map((found) => [found.text, found.message]),
        [
          ['2', 'Unexpected "2" after the value of a: start a new line'],
          ['2', 'Expected , or ] in this list, found "2"'],
          ['y', 'Expected a line break or , after this value, found "y"'],
        ],
      );
      assert.deepEqual(parseHcl(text).body.attributes.map((attribute) => attribute.name), ['a', 'b', 'c', 'd']);
    });

    it('skips a line that starts with something other than a name, past the braces it opens', () => {
      const text = '= 1\n"quoted" {\n  x = 1\n}\nresource "a" "b" {\n  y = 2\n}\n';
      assert.deepEqual(
        problemsOf(text).map((found) => found.text),
        ['=', '"quoted"'],
      );
      const body = parseHcl(text).body;
      assert.deepEqual(body.blocks.map((block) => block.labels.map((label) => label.value)), [['a', 'b']]);
    });

    it('reports a block never closed at its brace, once, naming how many more are open inside it', () => {
      const text = 'a {\n  b {\n    c = 1\n';
      assert.deepEqual(problemsOf(text), [{ text: '{', message: 'This { is never closed (nor 1 more inside it): the file ends first', severity: 'error', code: 'parse-error' }]);
      const [outer] = parseHcl(text).body.blocks;
      assert.deepEqual(outer.range, { start: 0, end: text.length });
      assert.equal(attributeOf(outer.body.blocks[0].body, 'c').value.kind, 'number');
    });

    it('reports a stray closing brace and goes on', () => {
      const text = '}\na = 1\n';
      assert.deepEqual(problemsOf(text).map((found) => [found.text, found.message]), [['}', 'This } closes no block']]);
      assert.equal(parseHcl(text).body.attributes.length, 1);
    });

    it('ends a list left open at the next attribute line', () => {
      const text = 'r {\n  a = [1, 2\n  b = 3\n}\nc = 4\n';
      assert.deepEqual(problemsOf(text).map((found) => [found.text, found.message]), [['[', 'This [ is not closed before "b"']]);
      const body = parseHcl(text).body;
      assert.deepEqual(body.blocks[0].body.attributes.map((attribute) => attribute.name), ['a', 'b']);
      assert.deepEqual(body.attributes.map((attribute) => attribute.name), ['c']);
    });

    it('reports unterminated heredocs, comments and interpolations where they start', () => {
      assert.deepEqual(problemsOf('a = <<EOF\nno end\n').map((found) => [found.text, found.message]), [['<<EOF', 'This heredoc is never closed: add a line with EOF alone']]);
      assert.deepEqual(problemsOf('a = 1\n/* open').map((found) => [found.text, found.message]), [['/*', 'This comment is never closed: add */']]);
      assert.deepEqual(problemsOf('a = <<EOF\n${x\n').map((found) => found.message), ['This heredoc is never closed (nor 1 more inside it): add a line with EOF alone']);
    });

    it('reports a label with an interpolation and an empty interpolation', () => {
      assert.deepEqual(problemsOf('resource "${x}" {\n}\n').map((found) => found.text), ['"${x}"']);
      assert.deepEqual(problemsOf('a = "${}"\n').map((found) => [found.text, found.message]), [['${}', 'This ${ } is empty']]);
    });

    it(`reports at most ${MAX_HCL_PROBLEMS} problems, then one that counts the rest`, () => {
      const text = '= junk\n'.repeat(150);
      const problems = parseHcl(text).problems;
      assert.equal(problems.length, MAX_HCL_PROBLEMS + 1);
      assert.equal(problems[MAX_HCL_PROBLEMS].message, '…and 50 more syntax errors in this file');
      assert.deepEqual(problems[MAX_HCL_PROBLEMS].range, at(text, '=', MAX_HCL_PROBLEMS));
    });
  });

  describe('nesting', () => {
    it(`reads ${MAX_HCL_DEPTH} levels of lists and reports the level below once, skipping it`, () => {
      const deep = (levels: number): string => `a = ${'['.repeat(levels)}1${']'.repeat(levels)}\nb = 2\n`;
      assert.deepEqual(parseHcl(deep(MAX_HCL_DEPTH)).problems, []);
      const text = deep(MAX_HCL_DEPTH + 6);
      const problems = problemsOf(text);
      assert.deepEqual(problems.map((found) => found.message), [`This is nested more than ${MAX_HCL_DEPTH} levels deep; Port Lens skips what is inside`]);
      assert.equal(problems[0].text, '[');
      assert.deepEqual(parseHcl(text).body.attributes.map((attribute) => attribute.name), ['a', 'b']);
    });

    it('skips blocks nested too deeply and reads what follows them', () => {
      const levels = MAX_HCL_DEPTH + 10;
      const text = `${'b {\n'.repeat(levels)}${'}\n'.repeat(levels)}after = 1\n`;
      const { body, problems } = parseHcl(text);
      assert.equal(problems.length, 1);
      assert.equal(body.attributes[0].name, 'after');
    });

    it('skips deep conditionals, calls, objects and templates without exhausting the stack', () => {
      const levels = 5000;
      for (const text of [
        `a = ${'x ? y : '.repeat(levels)}z\nb = 1\n`,
        `a = ${'f('.repeat(levels)}${')'.repeat(levels)}\nb = 1\n`,
        `a = ${'{ k = '.repeat(levels)}1${' }'.repeat(levels)}\nb = 1\n`,
        `a = ${'"${'.repeat(levels)}${'}"'.repeat(levels)}\nb = 1\n`,
        `a = ${'-'.repeat(levels)}1\nb = 1\n`,
      ]) {
        const { body, problems } = parseHcl(text);
        assert.ok(problems.length <= 2, `${text.slice(0, 20)}: ${problems.map((found) => found.message).join('; ')}`);
        assert.deepEqual(body.attributes.map((attribute) => attribute.name), ['a', 'b'], text.slice(0, 20));
      }
    });
  });

  describe('hostile input', () => {
    const megabyte = 1024 * 1024;
    for (const run of ['{', '"', '${', '<<EOF', '<<EOF\n', '/*', '[', 'a = [', 'a = "${', '%{', '\u0000', '(', 'a=-']) {
      it(`finishes on a megabyte of ${JSON.stringify(run)} with few problems, all inside the text`, () => {
        const text = run.repeat(Math.ceil(megabyte / run.length));
        const { body, problems } = parseHcl(text);
        assert.ok(problems.length <= MAX_HCL_PROBLEMS + 1);
        for (const found of problems) {
          assert.ok(found.range.start >= 0 && found.range.start <= found.range.end && found.range.end <= text.length);
        }
        checkRanges(text, body);
      });
    }
  });

  describe('tokens', () => {
    it('tokenizes a template into quotes, literal text, interpolation and closers', () => {
      const text = 'a = "x${b}y"\n';
      const { tokens } = tokenizeHcl(text);
      const kinds = [...tokens.kinds];
      assert.deepEqual(kinds, [
        TOKEN.Ident, TOKEN.Equals, TOKEN.OQuote, TOKEN.Literal, TOKEN.InterpOpen, TOKEN.Ident, TOKEN.TemplateClose, TOKEN.Literal, TOKEN.CQuote, TOKEN.Newline, TOKEN.EOF,
      ]);
      assert.deepEqual([...tokens.starts].map((start, index) => text.slice(start, tokens.ends[index])), ['a', '=', '"', 'x', '${', 'b', '}', 'y', '"', '\n', '']);
    });

    it('makes up a zero-width closer for every template left open', () => {
      const { tokens, problems } = tokenizeHcl('a = "${"${');
      const closers = [...tokens.kinds].filter((kind) => kind === TOKEN.CQuote || kind === TOKEN.TemplateClose);
      assert.equal(closers.length, 4);
      assert.equal(problems.length, 1);
    });

    it('makes one token of a run of characters HCL has no use for', () => {
      const { tokens } = tokenizeHcl('$$$$@@@@ a');
      assert.deepEqual([...tokens.kinds], [TOKEN.Invalid, TOKEN.Ident, TOKEN.EOF]);
    });
  });

  describe('properties', () => {
    const pieces = fc.constantFrom(
      'resource "aws_security_group" "a" {', 'ingress {', 'dynamic "ingress" {', 'content {', '}', '{', '[', ']', '(', ')', '"', '${', '%{', '$${',
      '<<EOF\n', '<<-EOF\n', 'EOF\n', '/*', '*/', '//', '#', '\n', '\r\n', ' ', '=', ':', ',', '.', '...', '?', '=>', '-', '!', '*', '~',
      'from_port = ', 'to_port = ', '22', '-1', '1e3', '"22"', 'var.x', 'local.y[0]', 'each.value', 'for', ' in ', 'true', 'null', 'f(', '\\', '\\"', 'é', '\uD800',
    );
    const hclText = fc.oneof(fc.array(fc.oneof(pieces, fc.string({ maxLength: 3 })), { maxLength: 40 }).map((parts) => parts.join('')), fc.string({ maxLength: 60 }));

    it('never throws, keeps every range inside the text and inside its parent, in order', () => {
      fc.assert(
        fc.property(hclText, (text) => {
          const { body, problems } = parseHcl(text);
          checkRanges(text, body);
          for (const found of problems) {
            assert.ok(found.range.start >= 0 && found.range.start <= found.range.end && found.range.end <= text.length, found.message);
            assert.equal(found.code, 'parse-error');
          }
          assert.ok(problems.length <= MAX_HCL_PROBLEMS + 1);
        }),
        { numRuns: 2000 },
      );
    });

    it('makes at most two tokens per character: the work grows linearly with the text', () => {
      fc.assert(
        fc.property(hclText, (text) => {
          const { tokens } = tokenizeHcl(text);
          assert.ok(tokens.count <= 2 * text.length + 1, `${tokens.count} tokens for ${text.length} characters`);
        }),
        { numRuns: 1000 },
      );
    });

    it('hands on the same top-level blocks and problems as it reads into a whole body', () => {
      fc.assert(
        fc.property(hclText, fc.boolean(), (text, takeEven) => {
          const handed: HclBlock[] = [];
          const streamed = parseHclTakingBlocks(text, (block) => handed.push(block) % 2 === (takeEven ? 1 : 0));
          const whole = parseHcl(text);
          assert.deepEqual(handed, whole.body.blocks);
          assert.deepEqual(streamed.body.blocks, handed.filter((_, index) => (index % 2 === 0) !== takeEven));
          assert.deepEqual(streamed.body.attributes, whole.body.attributes);
          assert.deepEqual(streamed.problems, whole.problems);
        }),
        { numRuns: 1000 },
      );
    });

    it('reads the same text the same way twice', () => {
      fc.assert(
        fc.property(hclText, (text) => {
          assert.deepEqual(parseHcl(text), parseHcl(text));
        }),
        { numRuns: 300 },
      );
    });
  });
});

