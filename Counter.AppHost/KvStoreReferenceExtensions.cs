namespace Counter.AppHost;

/// <summary>How a project is wired to the store as its client.</summary>
internal static class KvStoreReferenceExtensions
{
    /// <summary>Service discovery to the store, plus the web tier's credential, and start only once it is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WithKvStoreReference(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> kvstore, IResourceBuilder<ParameterResource> credential) =>
        project.WithReference(kvstore).WaitFor(kvstore).WithEnvironment("KvStoreClient__Credential", credential);
}
