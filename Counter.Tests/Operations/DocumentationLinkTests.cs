using System.Text;
using System.Text.RegularExpressions;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>
/// Every relative link and picture in README.md and docs/ leads somewhere: the file or folder exists, and an
/// anchor (<c>#exit-codes</c>) names a heading of the Markdown file it points into, slugged as GitHub
/// does. Web links are not followed (no network here). So a renamed heading or a moved file breaks
/// this test, not a reader's click.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class DocumentationLinkTests
{
    [Fact]
    public void EveryRelativeLinkAndAnchorLeadsSomewhere()
    {
        var pages = Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Prepend(Path.Combine(Repository.Root, "README.md"));
        var dead = new List<string>();
        var links = 0;
        foreach (var page in pages)
        {
            foreach (Match link in Link().Matches(WithoutCode(File.ReadAllText(page))))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                links++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var (path, anchor) = hash < 0 ? (target, null) : (target[..hash], target[(hash + 1)..]);
                var file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
                var where = $"{Path.GetRelativePath(Repository.Root, page)}: ({target})";
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    dead.Add($"{where}: no such file");
                }
                else if (anchor is { Length: > 0 } && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(file).Contains(anchor))
                {
                    dead.Add($"{where}: no heading with that anchor in {Path.GetFileName(file)}");
                }
            }
        }

        Assert.True(links > 50, $"Only {links} relative links were found: the pattern no longer matches the docs.");
        Assert.True(dead.Count == 0, $"{dead.Count} dead links:\n{string.Join('\n', dead)}");
    }

    /// <summary>The anchors GitHub makes of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(WithoutCode(File.ReadAllText(file))))
        {
            var slug = new StringBuilder();
            foreach (var c in heading.Groups["text"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }
            var anchor = slug.ToString();
            for (var n = 1; !anchors.Add(anchor); n++)
            {
                anchor = $"{slug}-{n}";
            }
        }
        return anchors;
    }

    /// <summary>The text without fenced and indented code blocks or inline code, whose brackets are not links.</summary>
    private static string WithoutCode(string markdown) =>
        InlineCode().Replace(IndentedCode().Replace(FencedCode().Replace(markdown, ""), ""), "");

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"^(?: {4}|\t)[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex IndentedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();
}
