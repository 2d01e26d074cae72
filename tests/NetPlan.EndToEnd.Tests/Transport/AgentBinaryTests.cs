using System.Security.Cryptography;
using NetPlan.Transport.Agents;

namespace NetPlan.EndToEnd.Tests.Transport;

public sealed class AgentBinaryTests
{
    [Fact]
    public void The_digest_is_the_lower_case_sha256_of_the_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, "not really an agent"u8.ToArray());

            var agent = AgentBinary.FromFile(path);

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("not really an agent"u8.ToArray())), agent.Sha256);
            Assert.Equal(path, agent.Path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
