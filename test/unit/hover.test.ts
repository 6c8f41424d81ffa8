import * as assert from 'node:assert/strict';
import { describeReference, escapeMarkdown, focusAt, referenceAt, renderImageDefaults, renderPortKnowledge, renderReferenceHover, stripThemeIcons } from '../../src/core/hover';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { parseUserPortData } from '../../src/core/ports/userData';
import { scanNginx } from '../../src/core/scanners/nginx';
import type { PortReference } from '../../src/core/types';

const knowledgeBase = new KnowledgeBase();

function reference(fields: Partial<PortReference> & Pick<PortReference, 'role'>): PortReference {
  return { range: { start: 0, end: 4 }, protocol: 'tcp', port: 80, endPort: 80, ...fields };
}

describe('Hover rendering', () => {
  describe('finding the reference under the cursor', () => {
    const outer = reference({ role: 'publish', range: { start: 10, end: 27 }, hostPortRange: { start: 20, end: 24 }, portRange: { start: 25, end: 27 } });
    const inner = reference({ role: 'expose', range: { start: 12, end: 14 } });
    it('finds the innermost reference', () => assert.equal(referenceAt([outer, inner], 13), inner));
    it('counts the end of a range, so a cursor right after a port still finds it', () => assert.equal(referenceAt([outer], 27), outer));
    it('finds nothing outside every range', () => assert.equal(referenceAt([outer, inner], 9), undefined));
    it('knows which side of a mapping the cursor is on', () => {
      assert.equal(focusAt(outer, 21), 'host');
      assert.equal(focusAt(outer, 26), 'container');
    });
  });

  it('renders port, protocol, class, curated usage, IANA and the sensitive warning', () => {
    const markdown = renderPortKnowledge(knowledgeBase.lookup(6379, 'tcp'));
    assert.match(markdown, /\*\*6379\/tcp\*\*/);
    assert.match(markdown, /user \(registered, 1024-49151\)/);
    assert.match(markdown, /Redis/);
    assert.match(markdown, /`redis`/);
    assert.match(markdown, /\$\(warning\) \*\*Sensitive — high risk\*\*/);
    assert.match(markdown, /service-names-port-numbers\.xhtml\?search=6379/);
  });

  it('links RFC references from the registry', () => {
    assert.match(renderPortKnowledge(knowledgeBase.lookup(443, 'tcp')), /\[RFC \d+\]\(https:\/\/www\.rfc-editor\.org\/rfc\/rfc\d+\)/);
  });

  it('compact detail keeps only the first registration', () => {
    const full = renderPortKnowledge(knowledgeBase.lookup(3000, 'tcp'), 'full');
    const compact = renderPortKnowledge(knowledgeBase.lookup(3000, 'tcp'), 'compact');
    assert.match(full, /hbci/);
    assert.match(full, /remoteware-cl/);
    assert.match(compact, /…and 1 more/);
  });

  it('says a port is unassigned when IANA has nothing', () => {
    assert.match(renderPortKnowledge(knowledgeBase.lookup(65000, 'tcp')), /\*\*IANA\*\*: unassigned/);
  });

  it('shows the user annotation', () => {
    const custom = new KnowledgeBase(parseUserPortData({ customPorts: { '8443/tcp': { label: 'Admin API', description: 'internal only' } } }).data);
    assert.match(renderPortKnowledge(custom.lookup(8443, 'tcp')), /\$\(note\) \*\*Admin API\*\* — internal only · /);
  });

  describe('says where each fact comes from', () => {
    const registryLink = (port: number) => `[IANA registry](https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml?search=${port})`;

    it('credits the IANA registry, linked to the port, for registrations', () => {
      const markdown = renderPortKnowledge(knowledgeBase.lookup(6379, 'tcp'));
      assert.ok(markdown.includes(`**IANA** · *Source: ${registryLink(6379)}*`), markdown);
    });

    it('credits the IANA registry for an unassigned port too', () => {
      const markdown = renderPortKnowledge(knowledgeBase.lookup(65000, 'tcp'));
      assert.ok(markdown.includes(`**IANA**: unassigned · *Source: ${registryLink(65000)}*`), markdown);
    });

    it('links each curated line to its source, labelled with the site', () => {
      const knowledge = knowledgeBase.lookup(6379, 'tcp');
      const redis = knowledge.curated.find((entry) => entry.service.includes('Redis'));
      assert.ok(redis);
      const site = escapeMarkdown(new URL(redis.source).hostname.replace(/^www\./, ''));
      assert.ok(renderPortKnowledge(knowledge).includes(`*Source: [${site}](${redis.source})*`));
    });

    it('names the repository, not just the code host, for a GitHub source', () => {
      const markdown = renderPortKnowledge(knowledgeBase.lookup(11434, 'tcp'));
      assert.match(markdown, /citing \[github\\\.com\/ollama\/ollama\]\(https:\/\/github\.com\/ollama\/ollama\/issues\/1053\)/);
    });

    it('credits the built-in sensitive-port list and the reference it cites', () => {
      const knowledge = knowledgeBase.lookup(2375, 'tcp');
      assert.ok(knowledge.sensitive?.reference);
      const markdown = renderPortKnowledge(knowledge);
      assert.ok(markdown.includes(`*Source: built-in sensitive-port list, citing [docs\\.docker\\.com](${knowledge.sensitive.reference})*`), markdown);
      assert.doesNotMatch(markdown, /\[reference\]/);
    });

    it('credits your settings for your own label', () => {
      const custom = new KnowledgeBase(parseUserPortData({ customPorts: { '8443/tcp': 'Admin API' } }).data);
      assert.ok(
        renderPortKnowledge(custom.lookup(8443, 'tcp')).includes(
          '$(note) **Admin API** · *Source: your settings (`portLens.customPorts` or `customPorts` in `.portlens.json`)*',
        ),
      );
    });

    it('credits your settings for a sensitive port you added, not the built-in list', () => {
      const custom = new KnowledgeBase(
        parseUserPortData({ additionalSensitivePorts: { '6379/tcp': { severity: 'low', reason: 'Only a test instance.' } } }).data,
      );
      const markdown = renderPortKnowledge(custom.lookup(6379, 'tcp'));
      assert.match(markdown, /Sensitive — low risk\*\* if reachable beyond the host: Only a test instance\\\./);
      assert.ok(markdown.includes('*Source: your settings (`portLens.sensitivePorts.additional` or `sensitivePorts.additional` in `.portlens.json`)*'), markdown);
      assert.doesNotMatch(markdown, /built-in sensitive-port list/);
    });

    it('says a built-in warning was silenced in your settings', () => {
      const custom = new KnowledgeBase(parseUserPortData({ silencedSensitivePorts: ['9229'] }).data);
      const markdown = renderPortKnowledge(custom.lookup(9229, 'tcp'));
      assert.doesNotMatch(markdown, /Sensitive —/);
      assert.ok(
        markdown.includes('$(mute) The built-in sensitive-port warning is silenced · *Source: your settings (`portLens.sensitivePorts.silenced` or `sensitivePorts.silenced` in `.portlens.json`)*'),
        markdown,
      );
    });

    it('keeps a source URL with parentheses inside its link', () => {
      const knowledge = knowledgeBase.lookup(6379, 'tcp');
      const withParentheses = { ...knowledge, curated: [{ ...knowledge.curated[0], source: 'https://example.org/wiki/Port_(computer)' }] };
      assert.match(renderPortKnowledge(withParentheses), /\[example\\\.org\]\(https:\/\/example\.org\/wiki\/Port_%28computer%29\)/);
    });
  });

  it('escapes registry text so it cannot inject Markdown', () => {
    assert.equal(escapeMarkdown('[click](http://x) *bold* `code` $(icon)'), '\\[click\\]\\(http://x\\) \\*bold\\* \\`code\\` \\$\\(icon\\)');
  });

  describe('mappings', () => {
    const loopback = reference({ role: 'publish', hostIp: '127.0.0.1', hostPort: 8080, hostPortEnd: 8080, port: 80, endPort: 80 });
    it('says a loopback mapping goes from host port to container port', () => {
      const line = describeReference(loopback, knowledgeBase, 'host');
      assert.equal(line, '$(arrow-right) Publishes host port **8080** on `127.0.0.1` (**loopback only**) → container port 80/tcp');
    });
    it('emphasises the container side when the cursor is there', () => {
      assert.match(describeReference(loopback, knowledgeBase, 'container'), /host port 8080 .* container port \*\*80\*\*\/tcp/);
    });
    it('says when the host port is ephemeral', () => {
      const line = describeReference(reference({ role: 'publish', hostPort: null, port: 5432, endPort: 5432 }), knowledgeBase);
      assert.match(line, /ephemeral host port/);
      assert.match(line, /all interfaces/);
    });
    it('says Docker picks one port from a host range mapped to one container port', () => {
      const line = describeReference(reference({ role: 'publish', hostPort: 8000, hostPortEnd: 8010, port: 80, endPort: 80 }), knowledgeBase);
      assert.match(line, /host port 8000-8010 \(Docker binds one free port from the range\)/);
    });
    it('describes the focused side in the knowledge section', () => {
      const hover = renderReferenceHover(loopback, knowledgeBase, { focus: 'host' });
      assert.match(hover, /\*\*8080\/tcp\*\*/);
    });
    it('says published ports are ignored under host networking', () => {
      assert.match(describeReference(reference({ role: 'publish', hostNetwork: true, hostPort: 80 }), knowledgeBase), /Ignored: the service uses `network_mode: host`/);
    });
  });

  describe('ranges', () => {
    it('counts the ports and lists notable ones, sensitive first, never all of them', () => {
      const hover = renderReferenceHover(reference({ role: 'expose', port: 1, endPort: 65535 }), knowledgeBase);
      assert.match(hover, /1-65535\/tcp\*\* · 65,535 ports/);
      const listed = hover.split('\n').filter((line) => line.startsWith('- '));
      assert.ok(listed.length <= 9, `${listed.length} lines listed`);
      assert.match(listed[0], /\$\(warning\)/);
      assert.match(hover, /…and \d+ more known ports/);
    });
    it('a small range with nothing known shows only the count', () => {
      const hover = renderReferenceHover(reference({ role: 'expose', port: 64000, endPort: 64003 }), knowledgeBase);
      assert.match(hover, /4 ports/);
      assert.doesNotMatch(hover, /Notable ports/);
    });
  });

  describe('evidence of the software behind the port', () => {
    it('comes right under the headline, before what the port is known for, since it decides the risk', () => {
      const evidence = '$(package) HAProxy relays 9000 to `server app1 10.0.2.10:8080`: what answers there decides the risk.';
      const sections = renderReferenceHover(reference({ role: 'listen', port: 9000, endPort: 9000 }), knowledgeBase, { evidence }).split('\n\n---\n\n');
      assert.equal(sections[1], evidence);
      assert.match(sections[0], /9000/);
      assert.match(sections[2], /ClickHouse/);
    });
  });

  describe('firewall rules', () => {
    it('says what an allow rule from anywhere does', () => {
      const line = describeReference(
        reference({ role: 'firewall', port: 3389, endPort: 3389, firewall: { action: 'allow', source: null, chain: 'INPUT' } }),
        knowledgeBase,
      );
      assert.match(stripThemeIcons(line), /^Allows tcp\/3389 \(.*RDP.*\) from \*\*anywhere\*\* \(chain `INPUT`\)$/i);
    });
    it('names the source of a restricted rule', () => {
      const line = describeReference(reference({ role: 'firewall', port: 22, endPort: 22, firewall: { action: 'allow', source: '10.0.0.0/8' } }), knowledgeBase);
      assert.match(line, /from `10\.0\.0\.0\/8`/);
    });
    it('describes drops and jumps', () => {
      assert.match(describeReference(reference({ role: 'firewall', firewall: { action: 'deny', source: null } }), knowledgeBase), /Drops tcp\/80/);
      assert.match(
        describeReference(reference({ role: 'firewall', firewall: { action: 'jump', target: 'LOGDROP', source: null } }), knowledgeBase),
        /Sends to `LOGDROP` tcp\/80/,
      );
    });
  });

  it('strips theme icons for plain Markdown', () => {
    assert.equal(stripThemeIcons('$(warning) **x** $(shield) y'), '**x** y');
  });
});

describe('Hover on an nginx server block without listen', () => {
  it('explains on the server keyword that nginx listens on *:80', () => {
    const text = 'http {\n    server {\n        server_name example.test;\n    }\n}\n';
    const found = referenceAt(scanNginx(text).references, text.indexOf('server {') + 2);
    assert.ok(found);
    assert.equal(
      stripThemeIcons(describeReference(found, knowledgeBase)),
      'Listens on tcp/**80** on **all interfaces** · no `listen` directive: nginx listens on `*:80` (8000 when not run as root)',
    );
    assert.match(renderReferenceHover(found, knowledgeBase), /\*\*80\/tcp\*\*/);
  });

  it('shows nothing implicit once the server has a listen', () => {
    const text = 'http {\n    server {\n        listen 8080;\n    }\n}\n';
    assert.equal(referenceAt(scanNginx(text).references, text.indexOf('server {') + 2), undefined);
  });
});

describe('Hover on a long-syntax Compose mapping', () => {
  it('finds the reference from its target line as well as its published line', () => {
    const longSyntax: PortReference = {
      role: 'publish',
      range: { start: 40, end: 44 },
      hostPortRange: { start: 40, end: 44 },
      portRange: { start: 20, end: 24 },
      protocol: 'tcp',
      port: 9090,
      endPort: 9090,
      hostPort: 9090,
      hostPortEnd: 9090,
    };
    assert.equal(referenceAt([longSyntax], 22), longSyntax);
    assert.equal(focusAt(longSyntax, 22), 'container');
    assert.equal(focusAt(longSyntax, 42), 'host');
    assert.equal(referenceAt([longSyntax], 30), undefined);
  });
});

describe('Hover rendering of an image\'s default ports', () => {
  it('names the software, its ports and the source', () => {
    const text = renderImageDefaults('docker.io/library/redis:7-alpine');
    assert.ok(text);
    assert.match(text, /`docker\.io\/library\/redis:7-alpine` runs Redis, which listens on 6379\/tcp/);
    assert.match(text, /\(\[source\]\(https:\/\/[^)]+\)\)$/);
  });

  it('follows the tag where it decides the ports', () => {
    assert.match(renderImageDefaults('php:8.3-fpm') ?? '', /9000\/tcp/);
    assert.equal(renderImageDefaults('php:8.3-cli'), undefined);
  });

  it('says nothing about an image it does not know', () => {
    assert.equal(renderImageDefaults('node:20'), undefined);
    assert.equal(renderImageDefaults('ghcr.io/example/app:1'), undefined);
  });
});
