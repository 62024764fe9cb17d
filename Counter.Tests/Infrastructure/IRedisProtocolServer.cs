namespace Counter.Tests.Infrastructure;

/// <summary>A Redis-protocol server a test started as a process (redis-server, Garnet), for the nemesis to kill, restart, pause or cut off.</summary>
public interface IRedisProtocolServer
{
    /// <summary>What it is, for reports: <c>redis-server</c>, <c>garnet-server</c>.</summary>
    string Name { get; }

    /// <summary>Its loopback TCP port.</summary>
    int Port { get; }

    /// <summary>The store's <c>ConnectionStrings:redis</c>.</summary>
    string ConnectionString { get; }

    /// <summary>SIGKILL.</summary>
    Task KillAsync();

    /// <summary>Starts it again over the same data and port, and waits until it has recovered.</summary>
    Task RestartAsync();

    /// <summary>SIGSTOP.</summary>
    Task PauseAsync();

    /// <summary>SIGCONT.</summary>
    Task ResumeAsync();
}
