namespace Vigil.Testing;

/// <summary>The Redis server the test command started (<c>VIGIL_TEST_REDIS</c>, host:port on loopback).</summary>
public static class TestRedis
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("VIGIL_TEST_REDIS")
        ?? throw new InvalidOperationException("VIGIL_TEST_REDIS is not set: ./test.sh starts a redis-server and sets it.");
}
