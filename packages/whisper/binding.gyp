{
  "targets": [
    {
      "target_name": "fadvise",
      "sources": ["native/fadvise.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
