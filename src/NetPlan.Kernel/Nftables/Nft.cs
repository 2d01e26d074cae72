namespace NetPlan.Kernel.Nftables;

/// <summary>
/// nftables netlink numbers (linux/netfilter/nf_tables.h, nfnetlink.h). Attribute numbers are
/// grouped per message or expression so each encoder reads like the header it follows.
/// </summary>
internal static class Nft
{
    public const byte NFNL_SUBSYS_NFTABLES = 10;
    public const ushort NFNL_MSG_BATCH_BEGIN = 16, NFNL_MSG_BATCH_END = 17;

    // NFT_MSG_*
    public const byte NEWTABLE = 0, GETTABLE = 1, DELTABLE = 2;
    public const byte NEWCHAIN = 3, GETCHAIN = 4, DELCHAIN = 5;
    public const byte NEWRULE = 6, GETRULE = 7, DELRULE = 8;
    public const byte NEWSET = 9, GETSET = 10, DELSET = 11;
    public const byte NEWSETELEM = 12, GETSETELEM = 13, DELSETELEM = 14;
    public const byte NEWGEN = 15, GETGEN = 16;

    /// <summary>NFTA_GEN_ID in NEWGEN; NFNL_BATCH_GENID in BATCH_BEGIN.</summary>
    public const ushort GEN_ID = 1, BATCH_GENID = 1;

    /// <summary>nlmsg_type of an nftables message: subsystem in the high byte.</summary>
    public static ushort MessageType(byte message) => (ushort)((NFNL_SUBSYS_NFTABLES << 8) | message);

    /// <summary>NFTNL_UDATA_{RULE,TABLE}_COMMENT: the user-data TLV nft keeps a comment in.</summary>
    public const byte UDATA_COMMENT = 0;

    public static class Table { public const ushort NAME = 1, FLAGS = 2, USE = 3, HANDLE = 4, USERDATA = 6; }

    public static class Chain
    {
        public const ushort TABLE = 1, HANDLE = 2, NAME = 3, HOOK = 4, POLICY = 5, USE = 6, TYPE = 7, COUNTERS = 8, FLAGS = 10;
        public const ushort HOOK_HOOKNUM = 1, HOOK_PRIORITY = 2;
    }

    public static class Rule
    {
        public const ushort TABLE = 1, CHAIN = 2, HANDLE = 3, EXPRESSIONS = 4, POSITION = 6, USERDATA = 7, ID = 9;
        public const ushort LIST_ELEM = 1, EXPR_NAME = 1, EXPR_DATA = 2;
    }

    public static class Set
    {
        public const ushort TABLE = 1, NAME = 2, FLAGS = 3, KEY_TYPE = 4, KEY_LEN = 5, DATA_TYPE = 6, DATA_LEN = 7, ID = 10, USERDATA = 13;
        /// <summary>NFTNL_UDATA_SET_KEYBYTEORDER / DATABYTEORDER: how nft prints the keys back.</summary>
        public const byte UDATA_KEYBYTEORDER = 0, UDATA_DATABYTEORDER = 1;
        public const uint BYTEORDER_HOST = 1, BYTEORDER_BIG_ENDIAN = 2;
    }

    public static class SetElemList { public const ushort TABLE = 1, SET = 2, ELEMENTS = 3, SET_ID = 4; }
    public static class SetElem { public const ushort KEY = 1, DATA = 2, FLAGS = 3; }

    public static class Data
    {
        public const ushort VALUE = 1, VERDICT = 2;
        public const ushort VERDICT_CODE = 1, VERDICT_CHAIN = 2;
        /// <summary>NFT_DATA_VERDICT: the data type of a verdict map.</summary>
        public const uint TYPE_VERDICT = 0xffffff00;
    }

    public static class Immediate { public const ushort DREG = 1, DATA = 2; }
    public static class Cmp { public const ushort SREG = 1, OP = 2, DATA = 3; }
    public static class Meta { public const ushort DREG = 1, KEY = 2; }
    public static class Payload { public const ushort DREG = 1, BASE = 2, OFFSET = 3, LEN = 4; }
    public static class Bitwise { public const ushort SREG = 1, DREG = 2, LEN = 3, MASK = 4, XOR = 5, OP = 6; }
    public static class Ct { public const ushort DREG = 1, KEY = 2, DIRECTION = 3; }
    public static class Lookup { public const ushort SET = 1, SREG = 2, DREG = 3, SET_ID = 4, FLAGS = 5; }
    public static class Nat
    {
        public const ushort TYPE = 1, FAMILY = 2, REG_ADDR_MIN = 3, REG_ADDR_MAX = 4, REG_PROTO_MIN = 5, REG_PROTO_MAX = 6, FLAGS = 7;
    }
    public static class Masq { public const ushort FLAGS = 1, REG_PROTO_MIN = 2, REG_PROTO_MAX = 3; }
    public static class Counter { public const ushort BYTES = 1, PACKETS = 2; }
    public static class Fib { public const ushort DREG = 1, RESULT = 2, FLAGS = 3; }
    public static class Reject { public const ushort TYPE = 1, ICMP_CODE = 2; }
}
