/*
 * Allwinner H6 IOMMU model
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_ALLWINNER_H6_IOMMU_H
#define HW_MISC_ALLWINNER_H6_IOMMU_H

#include "qom/object.h"
#include "exec/memory.h"
#include "hw/sysbus.h"

#define AW_H6_IOMMU_IOSIZE          0x10000
#define AW_H6_IOMMU_MAX_MASTERS     7
/* Pseudo master number used by the VA debug port (BSP "DEBUG_MODE") */
#define AW_H6_IOMMU_VA_MASTER       7
/* Per-master ports plus a few multi-master (read/write split) ports */
#define AW_H6_IOMMU_MAX_PORTS       (AW_H6_IOMMU_MAX_MASTERS + 4)
/* PMU slots: micro TLBs 0..6, macro TLB, PTW cache */
#define AW_H6_IOMMU_PMU_SLOTS       (AW_H6_IOMMU_MAX_MASTERS + 2)

/* Named GPIO inputs, driven by the CCU (1 = clock running / reset released) */
#define AW_H6_IOMMU_CLK_IN          "bus-clk"
#define AW_H6_IOMMU_RESETN_IN       "bus-reset-n"

#define TYPE_AW_H6_IOMMU "allwinner-h6-iommu"
#define TYPE_AW_H6_IOMMU_MEMORY_REGION "allwinner-h6-iommu-memory-region"
OBJECT_DECLARE_SIMPLE_TYPE(AwH6IommuState, AW_H6_IOMMU)

typedef struct AwH6IommuTlbEntry {
    bool valid;
    bool prefetched;        /* filled by the n+1 neighbour prefetch */
    bool reported;          /* audit already reported this entry stale */
    uint32_t vpn;           /* IOVA >> 12 */
    uint32_t holder;        /* vpn of the entry whose line holds this one */
    uint32_t pte;           /* raw level-2 entry (may be an invalid one) */
} AwH6IommuTlbEntry;

typedef struct AwH6IommuPtwEntry {
    bool valid;
    bool prefetched;
    bool reported;
    uint32_t index;         /* IOVA >> 20 */
    uint32_t holder;        /* index of the entry whose line holds this one */
    uint32_t dte;           /* raw level-1 entry (may be an invalid one) */
} AwH6IommuPtwEntry;

/* One downstream port: reads use rd_master, writes use wr_master */
typedef struct AwH6IommuPort {
    IOMMUMemoryRegion iommu;
    struct AwH6IommuState *s;
    uint8_t rd_master;
    uint8_t wr_master;
} AwH6IommuPort;

/* A self-clearing (R/WAC) operation in progress */
typedef struct AwH6IommuWac {
    uint32_t bits;          /* bits that read back as 1 while busy */
    int32_t reads_left;     /* register reads before completion; -1 never */
    uint32_t arg[3];        /* parameters latched when it was started */
} AwH6IommuWac;

struct AwH6IommuState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    qemu_irq irq;
    bool irq_level;

    /* Downstream memory (tables and translated traffic) */
    MemoryRegion *dma_mr;
    AddressSpace dma_as;
    /* Sink for transactions of a stalled lane (RAZ/WI, no error) */
    MemoryRegion sink_mr;
    AddressSpace sink_as;

    AwH6IommuPort ports[AW_H6_IOMMU_MAX_PORTS];
    unsigned num_ports;

    /* Properties (see emulator/README.md) */
    uint32_t num_masters;
    uint32_t bypass_reset;
    uint32_t version;
    bool range_ivld;
    bool valid_fix;
    bool neighbour_prefetch;
    uint32_t prefetch_distance;
    bool prefetch_holder;
    char *ivld_mask_str;
    bool cache_invalid;
    int32_t wac_latency;
    char *fault_policy_str;
    char *err_latch_str;
    bool lane_lock;
    bool pg_clear_on_int_clr;
    bool perm_before_valid;
    bool dm0_readonly;
    bool ovwt_forbid;
    bool pte_rw_bits;
    bool gated_passthrough;
    bool disabled_passthrough;
    bool err_data_pte;
    bool lane_reset_flush;
    bool lane_reset_clears_fault;
    bool audit_untranslated;
    bool caches_survive_reset;
    bool va_prefetch_fill;
    bool audit;
    bool log_faults;
    uint32_t utlb_entries;
    uint32_t mtlb_entries;
    uint32_t ptw_entries;
    uint32_t pmu_macro_offset;
    uint32_t pmu_ptw_offset;

    /* Derived from properties at realize */
    int fault_policy;
    bool latch_latest;
    bool ivld_silicon_only;
    uint32_t mmask;             /* (1 << num_masters) - 1 */

    /* Inputs from the CCU */
    bool clk_on;
    bool rst_released;

    /* Registers */
    uint32_t reset;
    uint32_t enable;
    uint32_t bypass;
    uint32_t auto_gating;
    uint32_t wbuf_ctrl;
    uint32_t ooo_ctrl;
    uint32_t bdy_prt_ctrl;
    uint32_t ttb;
    uint32_t tlb_enable;
    uint32_t tlb_prefetch;
    uint32_t tlb_ivld_mode;
    uint32_t tlb_ivld_sta;
    uint32_t tlb_ivld_end;
    uint32_t tlb_ivld_addr;
    uint32_t tlb_ivld_mask;
    uint32_t pc_ivld_mode;
    uint32_t pc_ivld_addr;
    uint32_t pc_ivld_sta;
    uint32_t pc_ivld_end;
    uint32_t dm_aut[8];
    uint32_t dm_ovwt;
    uint32_t int_enable;
    uint32_t int_sta;
    uint32_t err_addr[8];
    uint32_t err_data[8];
    uint32_t err_addr_l1;
    uint32_t err_addr_l2;
    uint32_t err_data_l1;
    uint32_t err_data_l2;
    uint32_t l1pg;
    uint32_t l2pg;
    uint32_t va;
    uint32_t va_data;
    uint32_t va_config;
    uint32_t pmu_enable;

    AwH6IommuWac op_flush;
    AwH6IommuWac op_tlb_ivld;
    AwH6IommuWac op_pc_ivld;
    AwH6IommuWac op_va;
    AwH6IommuWac op_pmu_clr;

    /* Lanes stuck after a fault, bit per master */
    uint32_t stuck;
    /* Masters that faulted since their lane was last reset */
    uint32_t faulted;
    /* Lanes put in reset without a fault, and no TTB switch since */
    uint32_t held_healthy;

    /* Translation caches */
    AwH6IommuTlbEntry *utlb[AW_H6_IOMMU_MAX_MASTERS];
    uint32_t utlb_next[AW_H6_IOMMU_MAX_MASTERS];
    AwH6IommuTlbEntry *mtlb;
    uint32_t mtlb_next;
    AwH6IommuPtwEntry *ptw;
    uint32_t ptw_next;

    /* PMU counters (43 bits used) */
    uint64_t pmu_access[AW_H6_IOMMU_PMU_SLOTS];
    uint64_t pmu_hit[AW_H6_IOMMU_PMU_SLOTS];

    /* Diagnostics, readable as QOM properties */
    uint32_t audit_errors;
    uint32_t fault_count;

    /*
     * Per master: accesses not translated (faulted, stalled, blocked).
     * Not a property: master models read it with
     * allwinner_h6_iommu_blocked().
     */
    uint32_t blocked[AW_H6_IOMMU_MAX_MASTERS];

    /* CPU accesses to the registers, read by the testbed's bench page */
    uint64_t mmio_accesses;
};

/*
 * Memory region to give a DMA master as its view of memory: every access
 * is translated as coming from @master.
 */
MemoryRegion *allwinner_h6_iommu_master_mr(AwH6IommuState *s,
                                           unsigned master);

/*
 * How many accesses of @master the IOMMU did not translate (faults, a
 * stalled or held lane, translation off or powered off without
 * passthrough), whatever fault-policy did with them: a master model that
 * must tell a read that returned data from one that was absorbed asks.
 */
uint32_t allwinner_h6_iommu_blocked(AwH6IommuState *s, unsigned master);

/*
 * Memory region for a master with two IOMMU ports: reads (including
 * instruction fetches) use @read_master, writes use @write_master.
 * Call after realize.
 */
MemoryRegion *allwinner_h6_iommu_split_port_mr(AwH6IommuState *s,
                                               unsigned read_master,
                                               unsigned write_master,
                                               Error **errp);

#endif /* HW_MISC_ALLWINNER_H6_IOMMU_H */
