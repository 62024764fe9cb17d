using Counter.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var settings = CounterSettings.From(builder);
settings.Validate();

// Secrets the AppHost generates once and keeps in its user secrets: the store's credential and
// the key that hashes session identifiers into storage keys.
var storeApiKey = builder.AddParameter("kvstore-api-key", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
var sessionKeySecret = builder.AddParameter("session-key-secret", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

// The key-value store: on its embedded engine (data in one folder, one process), or stateless in
// front of a Redis-protocol server (then it may run as several replicas).
var kvstore = builder.AddProject<Projects.Counter_KvStore>("kvstore")
    .WithStorageBackend(builder, settings)
    .WithEnvironment("Access__ApiKey", storeApiKey)
    .WithTestClock(settings)
    .WithTestFaults(settings)
    .WithHttpHealthCheck("/health")
    .WithStoreCommands(storeApiKey);

// The counter page reaches the store by service discovery ("kvstore") with its credential.
builder.AddProject<Projects.Counter_Web>("web")
    .WithKvStoreReference(kvstore, storeApiKey)
    .WithEnvironment("Session__Mode", settings.SessionMode.ToString())
    .WithEnvironment("Session__KeySecret", sessionKeySecret)
    .WithTestClock(settings)
    .WithReplicas(settings.WebReplicas)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
