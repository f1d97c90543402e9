import { describe, expect, it } from "vitest";
import { createRandom } from "../core/random.ts";
import { htmlToText, textRangeToHtml } from "./html-to-text.ts";

describe("htmlToText", () => {
  it("turns blocks, breaks and list items into lines", () => {
    const html =
      "<h2>About  the\n role</h2><p>We&nbsp;need a <b>Python</b> dev &amp; more.<br>New line<br><br>After blank</p>" +
      "<ul><li>One</li><li> Two <i>items</i> </li></ul><div>Div text</div>";
    expect(htmlToText(html).text).toBe(
      "About the role\n\nWe need a Python dev & more.\nNew line\n\nAfter blank\n\n• One\n• Two items\n\nDiv text",
    );
  });

  it("keeps nested lists and paragraphs inside items on single lines", () => {
    expect(
      htmlToText("<ol><li>First<ul><li>Nested</li></ul></li><li>Second</li></ol><p>After</p>").text,
    ).toBe("• First\n• Nested\n• Second\n\nAfter");
    expect(htmlToText("<ul><li><p>One</p></li><li><p>Two</p></li></ul>").text).toBe("• One\n• Two");
  });

  it("drops script, style, head and comments", () => {
    const html =
      "<html><head><title>T</title><style>p{color:red}</style></head><body>" +
      "<script>var a = '<p>x</p>';</script><!-- note -->Visible<noscript>no</noscript></body></html>";
    expect(htmlToText(html).text).toBe("Visible");
  });

  it("keeps whitespace inside pre and separates table cells", () => {
    const html = "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table><pre>x  y\nz</pre>";
    expect(htmlToText(html).text).toBe("a b\nc\n\nx  y\nz");
  });

  it("reads unclosed tags and plain text", () => {
    expect(htmlToText("<p>one<p>two<li>three").text).toBe("one\n\ntwo\n• three");
    expect(htmlToText("just text").text).toBe("just text");
    expect(htmlToText("").text).toBe("");
  });

  it("maps every text char back into the HTML", () => {
    const html = "<p>R&amp;D&nbsp;team</p><ul><li>C++ &lt;3</li></ul>";
    const converted = htmlToText(html);
    expect(converted.text).toBe("R&D team\n\n• C++ <3");
    expect(converted.sourceOffsets).toHaveLength(converted.text.length + 1);
    expect(converted.sourceOffsets[converted.text.length]).toBe(html.length);
    for (let i = 0; i < converted.text.length; i++) {
      const char = converted.text.charAt(i);
      const start = converted.sourceOffsets[i] ?? -1;
      const end = converted.sourceEnds[i] ?? -1;
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThanOrEqual(start);
      if (i > 0) expect(start).toBeGreaterThanOrEqual(converted.sourceOffsets[i - 1] ?? 0);
      if (/[A-Za-z+]/.test(char)) expect(html.slice(start, end)).toBe(char);
    }
    const team = converted.text.indexOf("team");
    expect(textRangeToHtml(converted, team, team + 4)).toEqual({ start: 16, end: 20 });
    const randd = textRangeToHtml(converted, 0, 3);
    expect(html.slice(randd.start, randd.end)).toBe("R&amp;D");
    const heart = converted.text.indexOf("<3");
    const heartRange = textRangeToHtml(converted, heart, heart + 2);
    expect(html.slice(heartRange.start, heartRange.end)).toBe("&lt;3");
  });

  it("keeps offsets ordered and letters exact for random HTML", () => {
    const random = createRandom(5);
    const pieces = [
      "<p>",
      "</p>",
      "<li>",
      "</li>",
      "<ul>",
      "</ul>",
      "<br>",
      "<b>",
      "</b>",
      "<script>x<y</script>",
      "&amp;",
      "&nbsp;",
      "&#233;",
      " ",
      "\n",
      "word",
      "Text",
      "<!-- c -->",
      "<div class='a'>",
      "</div>",
      "&bogus;",
      "<",
      ">",
    ];
    for (let round = 0; round < 300; round++) {
      let html = "";
      const length = random.int(40);
      for (let i = 0; i < length; i++) html += pieces[random.int(pieces.length)];
      const converted = htmlToText(html);
      expect(converted.sourceOffsets).toHaveLength(converted.text.length + 1);
      expect(converted.sourceEnds).toHaveLength(converted.text.length);
      expect(converted.text).toBe(converted.text.trim());
      for (let i = 0; i < converted.text.length; i++) {
        const start = converted.sourceOffsets[i] ?? -1;
        const end = converted.sourceEnds[i] ?? -1;
        expect(start).toBeGreaterThanOrEqual(i > 0 ? (converted.sourceOffsets[i - 1] ?? 0) : 0);
        expect(end).toBeGreaterThanOrEqual(start);
        expect(end).toBeLessThanOrEqual(html.length);
        const char = converted.text.charAt(i);
        if (/[a-zA-Z]/.test(char) && end - start === 1) expect(html.charAt(start)).toBe(char);
      }
    }
  });
});
