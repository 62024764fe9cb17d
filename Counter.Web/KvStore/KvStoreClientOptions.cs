using System.ComponentModel.DataAnnotations;

namespace Counter.Web.KvStore;

/// <summary>How the web app reaches the KV store. Bound from the "KvStoreClient" section.</summary>
public sealed class KvStoreClientOptions
{
    public const string SectionName = "KvStoreClient";

    /// <summary>A service-discovery address; the AppHost supplies the endpoint behind "kvstore".</summary>
    [Required]
    public Uri BaseAddress { get; set; } = new("https+http://kvstore");

    /// <summary>The store's credential, handed over by the AppHost. Never logged.</summary>
    [Required]
    [MinLength(16)]
    public string Credential { get; set; } = string.Empty;

    /// <summary>
    /// Longest one store call may take, retries included (a queued write counts its wait). Past it
    /// the call fails with <see cref="KvStoreUnavailableException"/> and the page answers 503; a page
    /// load makes one or two (more only when it loses a compare-and-set race).
    /// </summary>
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// Longest a single attempt may take before it is abandoned (and, for reads, retried). Writes are
    /// never retried, so this is also a write's whole budget: too tight and a busy store (50 requests
    /// racing on one session on 2 cores) turns slow writes into 503s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Session saves outstanding at once per web process; more wait and go together as one batch
    /// when one finishes (see <see cref="WriteCoalescer"/>). Lower means bigger batches and less CPU
    /// per save under load; an idle app sends single PUTs either way.
    /// </summary>
    [Range(1, 1024)]
    public int MaxWritesInFlight { get; set; } = 2;

    /// <summary>Most saves in one batch (the store accepts up to 256).</summary>
    [Range(1, 256)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// Most bytes of values in one batch, well under the store's request limit (Api:MaxBodyBytes,
    /// 1 MiB by default), so that a batch of large sessions is never refused whole. A single save
    /// larger than this still goes out, alone.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 512 * 1024;
}
