using System.Globalization;
using System.Xml.Linq;

namespace Counter.Tests.Campaign;

/// <summary>
/// A run's timeline as an SVG a person can read: operations begun per half second, stacked by
/// outcome (ok, fail, info), with each fault window shaded (darker while the fault was in force,
/// lighter while it was being healed) and named.
/// </summary>
public static class TimelineSvg
{
    public const double BinSeconds = 0.5;

    private const int Width = 960;
    private const int Height = 320;
    private const int Left = 56;
    private const int Right = 16;
    private const int Top = 52;
    private const int Bottom = 40;

    private static readonly (Outcome Outcome, string Colour)[] Stack =
        [(Outcome.Ok, "#3a9d5d"), (Outcome.Fail, "#e0a030"), (Outcome.Info, "#d0453c")];

    public static string Render(IReadOnlyList<HistoryEvent> history, string title)
    {
        var operations = history.OfType<StoreOperation>().Select(op => (op.Invoke, op.Outcome))
            .Concat(history.OfType<PageOperation>().Select(op => (op.Invoke, op.Outcome)))
            .ToList();
        var faults = history.OfType<NemesisEvent>().ToList();
        var end = Math.Max(operations.Select(op => op.Invoke).DefaultIfEmpty(0).Max(), faults.Select(f => f.End).DefaultIfEmpty(0).Max()) / 1e6;
        var bins = (int)Math.Ceiling(Math.Max(end, BinSeconds) / BinSeconds);
        var counts = new int[bins, Stack.Length];
        foreach (var (invoke, outcome) in operations)
        {
            counts[Math.Min(bins - 1, (int)(invoke / 1e6 / BinSeconds)), (int)outcome]++;
        }
        var tallest = Enumerable.Range(0, bins).Select(b => Enumerable.Range(0, Stack.Length).Sum(o => counts[b, o])).DefaultIfEmpty(1).Max();
        var yMax = NiceCeiling(Math.Max(tallest, 1));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var seconds = bins * BinSeconds;
        double X(double s) => Left + (s / seconds * plotWidth);
        double Y(double count) => Top + plotHeight - (count / yMax * plotHeight);

        XNamespace svg = "http://www.w3.org/2000/svg";
        var root = new XElement(svg + "svg",
            new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 11));
        root.Add(new XElement(svg + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "white")));
        root.Add(Text(svg, Left, 18, title, 13, "bold"));

        foreach (var fault in faults)
        {
            var healed = fault.Healed ?? fault.End;
            root.Add(Rect(svg, X(fault.Start / 1e6), Top, X(healed / 1e6) - X(fault.Start / 1e6), plotHeight, "#7a8bd6", 0.35, fault.Describe()));
            root.Add(Rect(svg, X(healed / 1e6), Top, X(fault.End / 1e6) - X(healed / 1e6), plotHeight, "#7a8bd6", 0.15, fault.Describe() + " (healing)"));
            root.Add(Text(svg, X(fault.Start / 1e6) + 2, Top - 4, fault.Fault, 9, "normal"));
        }

        var barWidth = Math.Max(1, (plotWidth / (double)bins) - 1);
        for (var b = 0; b < bins; b++)
        {
            var below = 0;
            for (var o = 0; o < Stack.Length; o++)
            {
                var count = counts[b, o];
                if (count == 0)
                {
                    continue;
                }
                root.Add(Rect(svg, X(b * BinSeconds), Y(below + count), barWidth, Y(below) - Y(below + count), Stack[o].Colour, 1,
                    $"{(b * BinSeconds).ToString("0.0", CultureInfo.InvariantCulture)} s: {count} {Stack[o].Outcome.ToString().ToLowerInvariant()}"));
                below += count;
            }
        }

        root.Add(Line(svg, Left, Top + plotHeight, Left + plotWidth, Top + plotHeight));
        root.Add(Line(svg, Left, Top, Left, Top + plotHeight));
        for (var tick = 0; tick <= 4; tick++)
        {
            var value = yMax * tick / 4;
            root.Add(Text(svg, Left - 6, Y(value) + 4, value.ToString(CultureInfo.InvariantCulture), 10, "normal", "end"));
        }
        var step = seconds > 60 ? 10 : 5;
        for (var s = 0; s <= seconds; s += step)
        {
            root.Add(Text(svg, X(s), Top + plotHeight + 14, s.ToString(CultureInfo.InvariantCulture), 10, "normal", "middle"));
        }
        root.Add(Text(svg, Left + (plotWidth / 2.0), Height - 8, "seconds since the run began", 10, "normal", "middle"));
        root.Add(Text(svg, 14, Top + (plotHeight / 2.0), $"operations per {BinSeconds.ToString(CultureInfo.InvariantCulture)} s", 10, "normal", "middle",
            $"rotate(-90 14 {(Top + (plotHeight / 2.0)).ToString(CultureInfo.InvariantCulture)})"));

        var legendX = Width - Right - 330.0;
        foreach (var (label, colour, opacity) in Stack.Select(s => (s.Outcome.ToString().ToLowerInvariant(), s.Colour, 1.0)).Append(("fault window", "#7a8bd6", 0.35)))
        {
            root.Add(Rect(svg, legendX, 28, 10, 10, colour, opacity, null));
            root.Add(Text(svg, legendX + 14, 37, label, 10, "normal"));
            legendX += label.Length * 6.5 + 30;
        }
        return new XDocument(root).ToString();
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="value"/>.</summary>
    private static int NiceCeiling(int value)
    {
        var power = 1;
        while (true)
        {
            foreach (var factor in new[] { 1, 2, 5 })
            {
                if (factor * power >= value)
                {
                    return factor * power;
                }
            }
            power *= 10;
        }
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static XElement Rect(XNamespace svg, double x, double y, double width, double height, string fill, double opacity, string? tooltip)
    {
        var rect = new XElement(svg + "rect", new XAttribute("x", F(x)), new XAttribute("y", F(y)),
            new XAttribute("width", F(Math.Max(0, width))), new XAttribute("height", F(Math.Max(0, height))),
            new XAttribute("fill", fill), new XAttribute("fill-opacity", F(opacity)));
        if (tooltip is not null)
        {
            rect.Add(new XElement(svg + "title", tooltip));
        }
        return rect;
    }

    private static XElement Line(XNamespace svg, double x1, double y1, double x2, double y2) =>
        new(svg + "line", new XAttribute("x1", F(x1)), new XAttribute("y1", F(y1)), new XAttribute("x2", F(x2)), new XAttribute("y2", F(y2)),
            new XAttribute("stroke", "#333"));

    private static XElement Text(XNamespace svg, double x, double y, string text, int size, string weight, string anchor = "start", string? transform = null)
    {
        var element = new XElement(svg + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)),
            new XAttribute("font-size", size), new XAttribute("font-weight", weight), new XAttribute("text-anchor", anchor), text);
        if (transform is not null)
        {
            element.Add(new XAttribute("transform", transform));
        }
        return element;
    }
}
